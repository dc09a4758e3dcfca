// CRC32C against the RFC 3720 (iSCSI) appendix B.4 test vectors, plus piecewise checksumming; the
// hardware path (SSE 4.2 crc32, what `checksum` uses on x86-64) and the software tables both
// against a bitwise definition at every length and start offset.

import Testing
@testable import GatewayStore

@Suite struct CRC32CTests {
    @Test func matchesRFC3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        let iscsiRead: [UInt8] = [
            0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        #expect(CRC32C.checksum(iscsiRead) == 0xD9963A56)
        #expect(iscsiRead.withUnsafeBytes { CRC32C.software($0) } == 0xD9963A56)
    }

    #if arch(x86_64)
    /// Every x86-64 CPU since 2008 has SSE 4.2: without it the comparisons below would test the
    /// software path twice.
    @Test func usesTheCRC32InstructionOnX86() {
        #expect(CRC32C.hardware)
    }
    #endif

    @Test func checksOfTheStandardCheckString() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func piecewiseChecksumEqualsWholeAtEveryAlignment() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC32C.checksum(data)
        for split in [0, 1, 3, 7, 8, 9, 500, 999, 1000] {
            let first = CRC32C.checksum(Array(data[..<split]))
            #expect(CRC32C.checksum(Array(data[split...]), continuing: first) == whole, "split at \(split)")
        }
    }

    @Test func equalsTheBitwiseDefinitionForEveryLengthAndStartOffset() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        var generator = SystemRandomNumberGenerator()
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Every start offset within a 16-byte step and every length through several 16-byte blocks,
        // so the aligned head, the 16-byte loop and the tail all meet every case.
        for start in 0..<17 {
            for length in 0..<(300 - start) where length < 70 || length % 37 == 0 {
                let slice = data[start..<(start + length)]
                let expected = bitwise(slice)
                #expect(slice.withUnsafeBytes { CRC32C.checksum($0) } == expected, "start \(start) length \(length)")
                #expect(slice.withUnsafeBytes { CRC32C.software($0) } == expected, "software: start \(start) length \(length)")
            }
        }
    }
}
