// Base32 (RFC 4648 §6 alphabet), lowercase and without padding: event ids are built from it
// because the result is case-insensitive-safe, URL-safe and has no punctuation.

public enum Base32 {
    public static func encode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: (bytes.count * 8 + 4) / 5) { write(bytes, to: $0) }
        }
    }

    /// Writes the encoding's first `out.count` characters (all of them when `out` has more room)
    /// and returns how many it wrote: event ids take a prefix without building the whole string.
    @discardableResult
    public static func write(_ bytes: UnsafeRawBufferPointer, to out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let o = out.baseAddress else { return 0 }
        // Through pointers (room checked per character): indexing an array (a lazily initialised
        // global) checked its bounds and its initialisation per character.
        let a = alphabet.utf8Start
        var i = 0
        var accumulator: UInt32 = 0
        var bits = 0
        for b in bytes {
            accumulator = accumulator << 8 | UInt32(b)
            bits += 8
            while bits >= 5 {
                guard i < out.count else { return i }
                bits -= 5
                o[i] = a[Int(accumulator >> UInt32(bits) & 31)]
                i += 1
            }
        }
        if bits > 0, i < out.count {
            o[i] = a[Int(accumulator << UInt32(5 - bits) & 31)]
            i += 1
        }
        return i
    }

    /// Decodes the unpadded form `encode` produces (either case). Nil for characters outside the
    /// alphabet, '=' padding, an impossible length, or non-zero leftover bits (a non-canonical form).
    public static func decode(_ text: String) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count * 5 / 8)
        var accumulator: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - UInt8(ascii: "a")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - UInt8(ascii: "A")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): v = c - UInt8(ascii: "2") + 26
            default: return nil
            }
            accumulator = (accumulator << 5 | UInt32(v)) & 0xFFFF
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // 5 bits per character: a valid tail leaves fewer than 5 bits, all zero.
        guard bits < 5, accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }

    private static let alphabet: StaticString = "abcdefghijklmnopqrstuvwxyz234567"
}
