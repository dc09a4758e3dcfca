// The hash functions the gateway signs and verifies with.

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

    /// The selector `copenssl_sha_*` take.
    var shimSelector: Int32 {
        switch self {
        case .sha1: 1
        case .sha256: 256
        case .sha512: 512
        }
    }
}
