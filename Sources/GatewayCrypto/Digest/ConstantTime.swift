// Comparison of MACs and tokens without leaking, through timing, how many leading bytes matched.

import COpenSSL

/// True when `a` and `b` hold the same bytes. The lengths are compared first (a length is not
/// secret: every MAC of one algorithm has the same length), then the contents with
/// `CRYPTO_memcmp`, whose running time depends only on the length.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBufferPointer { constantTimeEquals($0, b) }
}

/// `constantTimeEquals` for a MAC held in stack memory.
public func constantTimeEquals(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return b.withUnsafeBytes { pb in CRYPTO_memcmp(a.baseAddress, pb.baseAddress, a.count) == 0 }
}
