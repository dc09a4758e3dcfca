// Base64, hex and base32: RFC 4648 §10 vectors, round trips over every length and byte value,
// and the inputs each decoder must refuse.

import GatewayCrypto
import Testing

@Suite struct Base64Tests {
    @Test func encodesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func roundTripsEveryLengthInBothAlphabets() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for n in 0...bytes.count {
            let slice = Array(bytes[0..<n])
            #expect(Base64.decode(Base64.encode(slice)) == slice)
            #expect(Base64.decode(Base64.encode(slice, urlSafe: true), urlSafe: true) == slice)
        }
    }

    @Test func urlSafeAlphabetUsesDashAndUnderscore() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64.encode(bytes, urlSafe: true) == "-_-_")
        #expect(Base64.decode("-_-_") == nil)
        #expect(Base64.decode("+/+/", urlSafe: true) == nil)
    }

    @Test func acceptsMissingPadding() {
        #expect(Base64.decode("Zg") == Array("f".utf8))
        #expect(Base64.decode("Zm8") == Array("fo".utf8))
        #expect(Base64.decode("Zm9vYg", urlSafe: true) == Array("foob".utf8))
        // The Svix test secret's key is 32 characters; the same key with an '=' must not decode
        // differently, and Substring input must work as well as String.
        let text = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        #expect(Base64.decode(text.dropFirst(6))?.count == 24)
    }

    @Test(arguments: ["Z", "Zg=", "Zg===", "Z===", "====", "Zm9v YmFy", "Zm9v\nYmFy", "Zm9v*mFy", "Zg==Zg==", "=Zg=", "Zm9vY", "é"])
    func rejectsGarbage(_ text: String) {
        #expect(Base64.decode(text) == nil)
        #expect(decodeIntoBuffer(text, capacity: 64) == nil)
    }

    @Test func decodesIntoABufferOnlyWhenItFits() {
        #expect(decodeIntoBuffer("Zm9vYmFy", capacity: 64) == Array("foobar".utf8))
        #expect(decodeIntoBuffer("Zm9vYmFy", capacity: 6) == Array("foobar".utf8))
        #expect(decodeIntoBuffer("Zm9vYmFy", capacity: 5) == nil)
        #expect(decodeIntoBuffer("Zm9vYg", capacity: 4) == Array("foob".utf8))
    }

    private func decodeIntoBuffer(_ text: String, capacity: Int) -> [UInt8]? {
        Array(text.utf8).withUnsafeBufferPointer { input in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
                Base64.decode(bytes: input, into: buffer).map { Array(buffer[..<$0]) }
            }
        }
    }
}

@Suite struct HexTests {
    @Test func encodesLowercase() {
        #expect(Hex.encode([0x00, 0x01, 0xAB, 0xCD, 0xEF, 0xFF]) == "0001abcdefff")
    }

    @Test func decodesLowerAndUpperCase() {
        #expect(Hex.decode("00abCDef") == [0x00, 0xAB, 0xCD, 0xEF])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("DEADbeef"[...]) == [0xDE, 0xAD, 0xBE, 0xEF])
    }

    @Test func decodesIntoABufferOnlyWhenItFits() {
        func decode(_ text: String, capacity: Int) -> [UInt8]? {
            Array(text.utf8).withUnsafeBufferPointer { input in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
                    Hex.decode(bytes: input, into: buffer).map { Array(buffer[..<$0]) }
                }
            }
        }
        #expect(decode("00abCDef", capacity: 4) == [0x00, 0xAB, 0xCD, 0xEF])
        #expect(decode("00abCDef", capacity: 3) == nil)
        #expect(decode("00abCDeg", capacity: 4) == nil)
        #expect(decode("00a", capacity: 4) == nil)
    }

    @Test func roundTripsEveryByteValue() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
    }

    @Test func encodesEveryByteValueLikeTheReference() {
        let bytes = (0...255).map { UInt8($0) }
        let reference = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        #expect(Hex.encode(bytes) == reference)
        // Every length around the 15-byte small-string boundary and beyond.
        for n in 0...40 {
            #expect(Hex.encode(Array(bytes[0..<n])) == String(reference.prefix(2 * n)))
        }
    }

    /// Written four bytes at a time: every byte value in every position of a word, and the tail.
    @Test func encodesEveryByteValueAtEveryPositionOfAWord() {
        let bytes = (0...255).map { UInt8($0) }
        for shift in 0..<4 {
            let input = Array(bytes[shift...] + bytes[..<shift]) + [0xFF, 0x0A, 0x9F]
            let reference = input.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            #expect(Hex.encode(input) == reference, "shift \(shift)")
        }
    }

    @Test func writesIntoTheStartOfALargerBuffer() {
        var out = [UInt8](repeating: UInt8(ascii: "."), count: 7)
        let written = [UInt8]([0x0F, 0xA0]).withUnsafeBytes { bytes in
            out.withUnsafeMutableBufferPointer { Hex.write(bytes, to: $0) }
        }
        #expect(written == 4)
        #expect(String(decoding: out, as: UTF8.self) == "0fa0...")
    }

    @Test(arguments: ["0", "abc", "0g", "zz", " 00", "00 ", "0x00", "-1"])
    func rejectsOddLengthAndNonHex(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }
}

@Suite struct Base32Tests {
    @Test func encodesRFC4648VectorsLowercaseWithoutPadding() {
        let vectors = ["": "", "f": "my", "fo": "mzxq", "foo": "mzxw6", "foob": "mzxw6yq", "fooba": "mzxw6ytb", "foobar": "mzxw6ytboi"]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func writesAnyPrefixOfTheEncoding() {
        let bytes = (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 5) }
        for n in [0, 1, 4, 5, 17, 32, 40] {
            let encoded = Base32.encode(Array(bytes[0..<n]))
            for room in 0...(encoded.utf8.count + 2) {
                var out = [UInt8](repeating: 0, count: room)
                let written = bytes[0..<n].withUnsafeBytes { input in
                    out.withUnsafeMutableBufferPointer { Base32.write(input, to: $0) }
                }
                #expect(String(decoding: out[0..<written], as: UTF8.self) == String(encoded.prefix(room)))
            }
        }
    }

    /// Whole five-byte groups are written eight characters at once: the same text as a bit-by-bit
    /// reference at every length, and for every prefix (an event id takes 26 characters).
    @Test func encodesLikeABitByBitReference() {
        func reference(_ bytes: [UInt8]) -> String {
            let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
            var bits = bytes.flatMap { b in (0..<8).map { (b >> (7 - $0)) & 1 } }
            while bits.count % 5 != 0 { bits.append(0) }
            return String(stride(from: 0, to: bits.count, by: 5).map { i in alphabet[Int(bits[i..<i + 5].reduce(0) { $0 << 1 | $1 })] })
        }
        var generator = SystemRandomNumberGenerator()
        for n in 0...41 {
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = reference(bytes)
            #expect(Base32.encode(bytes) == expected, "\(bytes)")
            for room in [0, 1, 7, 8, 9, 16, 26, 30, expected.utf8.count] {
                var out = [UInt8](repeating: 0, count: room)
                let written = bytes.withUnsafeBytes { input in out.withUnsafeMutableBufferPointer { Base32.write(input, to: $0) } }
                #expect(String(decoding: out[0..<written], as: UTF8.self) == String(expected.prefix(room)), "\(bytes), room \(room)")
            }
        }
        #expect(Base32.encode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x84]) == "77777777aaaaaaaaqq")
    }

    @Test func roundTripsEveryLength() {
        let bytes = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 5) }
        for n in 0...bytes.count {
            let slice = Array(bytes[0..<n])
            let text = Base32.encode(slice)
            #expect(text.allSatisfy { ("a"..."z").contains($0) || ("2"..."7").contains($0) })
            #expect(Base32.decode(text) == slice)
        }
    }

    @Test(arguments: ["m", "mzx", "mzxw6y", "my======", "m1", "mz", "MZ-W"])
    func rejectsImpossibleLengthsPaddingAndNonCanonicalTails(_ text: String) {
        #expect(Base32.decode(text) == nil)
    }
}
