// Prepared HMAC keys per secret. Preparing a key costs about as much as a whole MAC, and a source
// verifies every request with the same one or two secrets, so each is prepared once and reused.

import GatewayCore
import GatewayCrypto
import Synchronization

final class HMACKeyCache: Sendable {
    private let algorithm: DigestAlgorithm
    private let encoding: KeyEncoding
    private let keys = Mutex<[Secret: HMACKey]>([:])
    /// Secrets come from configuration, so only a handful ever exist; the bound only matters if a
    /// caller passes ever-changing secrets, which must not grow memory without limit.
    private static let capacity = 64

    init(algorithm: DigestAlgorithm, encoding: KeyEncoding) {
        self.algorithm = algorithm
        self.encoding = encoding
    }

    /// The prepared key for `secret`, or nil when the key encoding cannot decode it.
    func key(for secret: Secret) -> HMACKey? {
        if let key = keys.withLock({ $0[secret] }) { return key }
        guard let bytes = encoding.keyBytes(secret), !bytes.isEmpty else { return nil }
        let key = HMACKey(algorithm: algorithm, key: bytes)
        keys.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[secret] = key
        }
        return key
    }
}
