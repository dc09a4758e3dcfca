// Comparison of MACs and tokens without leaking, through timing, how many leading bytes matched.

import COpenSSL

/// True when `a` and `b` hold the same bytes. The lengths are compared first (a length is not
/// secret: every MAC of one algorithm has the same length), then the contents with
/// `CRYPTO_memcmp`, whose running time depends only on the length.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in constantTimeEquals(a, b) } }
}

/// `constantTimeEquals` for MACs held in stack memory (computed, and decoded from a header).
public func constantTimeEquals(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
}
