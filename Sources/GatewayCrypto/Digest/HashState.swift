// One running hash computation held by value (`copenssl_sha_state` in the COpenSSL shim): copying
// it is an assignment, so a prepared HMAC state is duplicated per request without allocating.

import COpenSSL

struct HashState {
    let algorithm: DigestAlgorithm
    private var state = copenssl_sha_state()

    init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        copenssl_sha_init(algorithm.shimSelector, &state)
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        copenssl_sha_update(algorithm.shimSelector, &state, bytes.baseAddress, bytes.count)
    }

    /// Feeds the UTF-8 bytes of `text`.
    mutating func update(_ text: String) {
        // Read in place when the string is native (no copy for `withUTF8`, which is mutating).
        if text.utf8.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) == nil {
            var copy = text
            copy.withUTF8 { update(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Writes `algorithm.outputLength` bytes to `out`; the state is spent afterwards.
    mutating func finish(into out: UnsafeMutablePointer<UInt8>) {
        copenssl_sha_final(algorithm.shimSelector, &state, out)
    }

    /// Overwrites the state, for states derived from a key (OPENSSL_cleanse is not optimised away).
    mutating func erase() {
        withUnsafeMutableBytes(of: &state) { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }
}
