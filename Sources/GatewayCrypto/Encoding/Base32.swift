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
        // Five bytes make eight characters exactly: whole groups are read as one 40-bit number
        // and written with fixed shifts (an event id is three groups and two characters), where
        // the bit accumulator below cost ~27 instructions a character.
        var consumed = 0
        if let input = bytes.baseAddress {
            while consumed &+ 5 <= bytes.count, i &+ 8 <= out.count {
                let g = input + consumed
                let v = UInt64(g.load(as: UInt8.self)) << 32 | UInt64(g.load(fromByteOffset: 1, as: UInt8.self)) << 24
                    | UInt64(g.load(fromByteOffset: 2, as: UInt8.self)) << 16 | UInt64(g.load(fromByteOffset: 3, as: UInt8.self)) << 8
                    | UInt64(g.load(fromByteOffset: 4, as: UInt8.self))
                let o8 = o + i
                o8[0] = a[Int(truncatingIfNeeded: v >> 35)]
                o8[1] = a[Int(truncatingIfNeeded: v >> 30 & 31)]
                o8[2] = a[Int(truncatingIfNeeded: v >> 25 & 31)]
                o8[3] = a[Int(truncatingIfNeeded: v >> 20 & 31)]
                o8[4] = a[Int(truncatingIfNeeded: v >> 15 & 31)]
                o8[5] = a[Int(truncatingIfNeeded: v >> 10 & 31)]
                o8[6] = a[Int(truncatingIfNeeded: v >> 5 & 31)]
                o8[7] = a[Int(truncatingIfNeeded: v & 31)]
                consumed &+= 5
                i &+= 8
            }
        }
        var accumulator: UInt32 = 0
        var bits = 0
        for b in UnsafeRawBufferPointer(rebasing: bytes[consumed...]) {
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
