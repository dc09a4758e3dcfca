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
        // Through pointers, room checked above: indexing an array (a lazily initialised global)
        // checked its bounds and its initialisation per digit, ~20 instructions a byte.
        let d = digits.utf8Start
        var i = 0
        for b in bytes {
            o[i] = d[Int(b >> 4)]
            o[i + 1] = d[Int(b & 0x0F)]
            i += 2
        }
        return i
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
