// Percent-decoding (RFC 3986 §2.1) of the path and query of a request target. A malformed escape
// or a decoded NUL in the path is refused rather than repaired: two components that disagree on
// what a path means is how access-control bypasses start.

enum PercentDecoding {
    enum Failure: Error { case malformed, nul, invalidUTF8 }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b &- 0x30
        case 0x41...0x46: b &- 0x41 &+ 10
        case 0x61...0x66: b &- 0x61 &+ 10
        default: nil
        }
    }

    /// Decodes `bytes` (already checked to be visible ASCII). `plusIsSpace` applies the form
    /// convention used in query strings.
    static func decode(_ bytes: UnsafeRawBufferPointer, plusIsSpace: Bool, rejectNUL: Bool) throws(Failure) -> String {
        var needsWork = false
        for b in bytes where b == 0x25 || (plusIsSpace && b == 0x2B) { needsWork = true; break }
        if !needsWork { return String(decoding: bytes, as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x25 {
                guard i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) else {
                    throw .malformed
                }
                let v = hi << 4 | lo
                if v == 0 && rejectNUL { throw .nul }
                out.append(v)
                i += 3
            } else {
                out.append(plusIsSpace && b == 0x2B ? 0x20 : b)
                i += 1
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw .invalidUTF8 }
        return s
    }
}
