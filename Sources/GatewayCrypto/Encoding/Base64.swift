// Base64 (RFC 4648 §4 standard and §5 URL-safe alphabets). Signatures and Svix `whsec_` keys are
// base64; vendors differ on padding, so decoding accepts it present or absent, but anything else
// (a character outside the alphabet, whitespace, padding in the middle, an impossible length) is
// rejected rather than skipped, so a mangled header cannot decode to something shorter.

public enum Base64 {
    public static func encode(_ bytes: [UInt8], urlSafe: Bool = false) -> String {
        let alphabet = urlSafe ? urlSafeAlphabet : standardAlphabet
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The decoded bytes, or nil when `text` is not base64 in the chosen alphabet.
    public static func decode(_ text: String, urlSafe: Bool = false) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(bytes: $0, urlSafe: urlSafe) }
    }

    public static func decode(_ text: Substring, urlSafe: Bool = false) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(bytes: $0, urlSafe: urlSafe) }
    }

    /// Decodes ASCII bytes (e.g. a slice of a header value) without building a String.
    public static func decode(bytes input: UnsafeBufferPointer<UInt8>, urlSafe: Bool = false) -> [UInt8]? {
        guard let (_, count) = measure(input) else { return nil }
        var valid = false
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            valid = decode(bytes: input, urlSafe: urlSafe, into: buffer) != nil
            initialized = valid ? count : 0
        }
        return valid ? out : nil
    }

    /// Decodes into `buffer` instead of a new array (a signature's MAC fits on the stack, and
    /// allocating it was a malloc and a free per verified webhook). Returns the number of bytes
    /// written, or nil when `input` is not base64 or its bytes do not fit in `buffer`.
    public static func decode(bytes input: UnsafeBufferPointer<UInt8>, urlSafe: Bool = false,
                              into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard let (end, count) = measure(input), count <= buffer.count else { return nil }
        let table = urlSafe ? urlSafeDecode : standardDecode
        return table.withUnsafeBufferPointer { table in
            // Whole 4-character groups, then a 2- or 3-character tail.
            var i = 0, o = 0
            while i + 4 <= end {
                let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                if (a | b | c | d) & 0x80 != 0 { return nil }
                let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                buffer[o] = UInt8(truncatingIfNeeded: n >> 16)
                buffer[o + 1] = UInt8(truncatingIfNeeded: n >> 8)
                buffer[o + 2] = UInt8(truncatingIfNeeded: n)
                i += 4; o += 3
            }
            if i < end {
                var n: UInt32 = 0
                for j in i..<end {
                    let v = table[Int(input[j])]
                    if v & 0x80 != 0 { return nil }
                    n |= UInt32(v) << (18 - 6 * UInt32(j - i))
                }
                buffer[o] = UInt8(truncatingIfNeeded: n >> 16)
                if end - i == 3 { buffer[o + 1] = UInt8(truncatingIfNeeded: n >> 8) }
            }
            return count
        }
    }

    /// Where the characters of `input` end (before its padding) and how many bytes they decode
    /// to; nil when its length or padding is impossible.
    private static func measure(_ input: UnsafeBufferPointer<UInt8>) -> (end: Int, count: Int)? {
        var end = input.count
        // Up to two trailing '=' are allowed, and only when they complete a 4-character group.
        var padding = 0
        while end > 0, input[end - 1] == UInt8(ascii: "="), padding < 2 { end -= 1; padding += 1 }
        if padding > 0, input.count % 4 != 0 { return nil }
        if end % 4 == 1 { return nil }  // one leftover character carries only 6 bits: not a byte
        return (end, end / 4 * 3 + (end % 4 == 0 ? 0 : end % 4 - 1))
    }

    static let standardAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlSafeAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let standardDecode = decodeTable(standardAlphabet)
    static let urlSafeDecode = decodeTable(urlSafeAlphabet)

    /// 256 entries: the 6-bit value of each alphabet byte, 0xFF for everything else.
    private static func decodeTable(_ alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }
}
