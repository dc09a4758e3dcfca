// The hash functions the gateway signs and verifies with, and their OpenSSL implementations.
// The EVP_MD objects are fetched once per process: an implicit fetch on every call (what
// `EVP_sha256()` plus `EVP_DigestInit_ex` does under OpenSSL 3) costs a provider lookup per request.

import COpenSSL

public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha1, sha256, sha512

    /// Digest length in bytes.
    public var outputLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// Block length in bytes: the HMAC key is padded or hashed to this size (RFC 2104 §2).
    var blockLength: Int {
        switch self {
        case .sha1, .sha256: 64
        case .sha512: 128
        }
    }

    var fetched: FetchedDigest {
        switch self {
        case .sha1: FetchedDigest.sha1
        case .sha256: FetchedDigest.sha256
        case .sha512: FetchedDigest.sha512
        }
    }
}

/// Owns one fetched `EVP_MD` for the life of the process.
/// `@unchecked Sendable`: a fetched EVP_MD is immutable once fetched and OpenSSL reference-counts it
/// atomically, so any number of threads may initialise contexts from it concurrently.
final class FetchedDigest: @unchecked Sendable {
    let md: OpaquePointer

    private init(_ name: String) {
        guard let md = EVP_MD_fetch(nil, name, nil) else {
            // Without the default provider's SHA family nothing in the gateway can work; this is an
            // installation fault, not a runtime condition to recover from.
            fatalError("OpenSSL: cannot fetch digest \(name)")
        }
        self.md = md
    }

    deinit { EVP_MD_free(md) }

    static let sha1 = FetchedDigest("SHA1")
    static let sha256 = FetchedDigest("SHA256")
    static let sha512 = FetchedDigest("SHA512")
}
