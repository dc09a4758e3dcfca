// Strict UTF-8 well-formedness (RFC 3629 / Unicode Table 3-7). `String(decoding:)` silently
// repairs bad bytes, so the parser validates first: a vendor body with broken UTF-8 is rejected,
// never quietly altered before it is journalled and forwarded.

enum UTF8Validation {
    /// Length of the well-formed sequence starting at `p[i]` (a non-ASCII lead byte), or 0.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = p[i]
        @inline(__always) func cont(_ k: Int) -> Bool { i + k < end && p[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(1) ? 2 : 0
        case 0xE0:
            return i + 2 < end && (0xA0...0xBF).contains(p[i + 1]) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(1) && cont(2) ? 3 : 0
        case 0xED:  // excludes U+D800–U+DFFF (surrogates)
            return i + 2 < end && (0x80...0x9F).contains(p[i + 1]) && cont(2) ? 3 : 0
        case 0xF0:
            return i + 3 < end && (0x90...0xBF).contains(p[i + 1]) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3:
            return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4:  // excludes anything above U+10FFFF
            return i + 3 < end && (0x80...0x8F).contains(p[i + 1]) && cont(2) && cont(3) ? 4 : 0
        default:
            return 0
        }
    }

    /// True when every byte of `bytes` forms well-formed UTF-8.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = bytes.baseAddress else { return true }
        var i = 0
        let end = bytes.count
        while i < end {
            if p[i] < 0x80 { i += 1; continue }
            let n = sequenceLength(p, i, end)
            if n == 0 { return false }
            i += n
        }
        return true
    }
}
