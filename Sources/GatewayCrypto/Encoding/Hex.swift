// Hexadecimal (base16). Vendors send lowercase hex digests; uppercase is accepted on input since
// nothing in the formats forbids it, and output is always lowercase.

public enum Hex {
    /// Written straight into the string's storage: building a [UInt8] first and then a String
    /// from it cost two allocations per call.
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { write(bytes, to: $0) }
        }
    }

    /// Writes the `2 * bytes.count` digits at the start of `out` (which must have room) and
    /// returns how many it wrote; for callers building a larger string around them.
    @discardableResult
    public static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(out.count >= bytes.count * 2, "Hex.write: output too small")
        guard let o = out.baseAddress else { return 0 }
        // Four bytes at a time, in a word (SWAR), room checked above: each byte's two nibbles
        // spread into two byte lanes, high nibble first, and every lane turned into its digit at
        // once ('0' + n, plus 39 more for a-f); a byte at a time through the digit table cost ~22
        // instructions a byte. The last one to three bytes go through the table (pointers: an
        // array, a lazily initialised global, checked its bounds and initialisation per digit).
        var i = 0
        var done = 0
        if let input = bytes.baseAddress {
            let target = UnsafeMutableRawPointer(o)
            while done &+ 8 <= bytes.count {
                let v = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: done, as: UInt64.self))
                target.storeBytes(of: digits(UInt32(truncatingIfNeeded: v)).littleEndian, toByteOffset: i, as: UInt64.self)
                target.storeBytes(of: digits(UInt32(truncatingIfNeeded: v >> 32)).littleEndian, toByteOffset: i &+ 8, as: UInt64.self)
                done &+= 8
                i &+= 16
            }
            if done &+ 4 <= bytes.count {
                let v = UInt32(littleEndian: input.loadUnaligned(fromByteOffset: done, as: UInt32.self))
                target.storeBytes(of: digits(v).littleEndian, toByteOffset: i, as: UInt64.self)
                done &+= 4
                i &+= 8
            }
        }
        let d = digits.utf8Start
        for b in UnsafeRawBufferPointer(rebasing: bytes[done...]) {
            o[i] = d[Int(b >> 4)]
            o[i + 1] = d[Int(b & 0x0F)]
            i += 2
        }
        return i
    }

    /// The eight digits of four bytes (the first byte in the lowest bits, as a little-endian load
    /// puts it), each in one byte lane, ready for a little-endian store.
    @inline(__always)
    private static func digits(_ four: UInt32) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        var v = UInt64(four)
        v = (v | v << 16) & 0x0000_FFFF_0000_FFFF
        v = (v | v << 8) & 0x00FF_00FF_00FF_00FF
        let n = (v >> 4) & 0x000F_000F_000F_000F | (v & 0x000F_000F_000F_000F) << 8
        let letters = ((n &+ ones &* 0x76) >> 7) & ones
        return n &+ ones &* 0x30 &+ letters &* 39
    }

    /// The decoded bytes, or nil for an odd length or any non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(bytes: $0) }
    }

    public static func decode(_ text: Substring) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(bytes: $0) }
    }

    public static func decode(bytes input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard input.count % 2 == 0 else { return nil }
        var valid = false
        let out = [UInt8](unsafeUninitializedCapacity: input.count / 2) { buffer, initialized in
            valid = decode(bytes: input, into: buffer) != nil
            initialized = valid ? input.count / 2 : 0
        }
        return valid ? out : nil
    }

    /// Decodes into `buffer` instead of a new array (see `Base64.decode(bytes:urlSafe:into:)`).
    /// Returns the number of bytes written, or nil for an odd length, a non-hex character, or
    /// more bytes than `buffer` holds.
    public static func decode(bytes input: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard input.count % 2 == 0, input.count / 2 <= buffer.count else { return nil }
        var i = 0
        while i < input.count {
            guard let hi = value(input[i]), let lo = value(input[i + 1]) else { return nil }
            buffer[i / 2] = hi << 4 | lo
            i += 2
        }
        return input.count / 2
    }

    /// True when every byte is a hex digit (for strict whole-header format checks).
    static func isHexDigit(_ byte: UInt8) -> Bool { value(byte) != nil }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let digits: StaticString = "0123456789abcdef"
}
