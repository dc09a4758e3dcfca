// Tests eight bytes at once (SWAR: "SIMD within a register") for the scanners that look for a few
// byte values in long runs of ordinary ones: JSON escaping and string parsing, HTTP header values.
// Each test is exact about whether such a byte exists; callers fall back to their byte loop for a
// word that has one, so only the word's position, never the decision, comes from here.

public enum WordScan {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let high: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `p`, any alignment.
    @inlinable @inline(__always)
    public static func load(_ p: UnsafeRawPointer) -> UInt64 { p.loadUnaligned(as: UInt64.self) }

    /// Whether some byte of `w` is below `bound` (at most 0x80): the subtraction borrows into the
    /// top bit of exactly such a byte, and `~w` drops bytes that had it set already.
    @inlinable @inline(__always)
    public static func hasByte(_ w: UInt64, below bound: UInt8) -> Bool {
        (w &- ones &* UInt64(bound)) & ~w & high != 0
    }

    /// Whether some byte of `w` equals `byte` (such a byte is zero after the XOR).
    @inlinable @inline(__always)
    public static func hasByte(_ w: UInt64, equalTo byte: UInt8) -> Bool {
        let x = w ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & high != 0
    }

    /// Whether some byte of `w` is 0x80 or above (not ASCII).
    @inlinable @inline(__always)
    public static func hasNonASCII(_ w: UInt64) -> Bool { w & high != 0 }
}
