// Prepared HMAC keys per secret. Preparing a key costs about as much as a whole MAC, and a source
// verifies every request with the same one or two secrets, so each is prepared once and reused.

import GatewayCore
import GatewayCrypto
import Synchronization

final class HMACKeyCache: Sendable {
    private let algorithm: DigestAlgorithm
    private let encoding: KeyEncoding
    /// A short list scanned linearly rather than a dictionary: hashing the secret costs more than
    /// comparing it, and the runtime passes the same `Secret` values on every request, whose byte
    /// arrays then compare equal by buffer identity without reading the bytes.
    private let keys = Mutex<[(secret: [UInt8], key: HMACKey)]>([])
    /// Secrets come from configuration, so only a handful ever exist; the bound only matters if a
    /// caller passes ever-changing secrets, which must not grow memory without limit.
    private static let capacity = 16

    init(algorithm: DigestAlgorithm, encoding: KeyEncoding) {
        self.algorithm = algorithm
        self.encoding = encoding
    }

    /// The prepared key for `secret`, or nil when the key encoding cannot decode it.
    func key(for secret: Secret) -> HMACKey? {
        let cached = keys.withLock { entries -> HMACKey? in
            for entry in entries where entry.secret == secret.bytes { return entry.key }
            return nil
        }
        if let cached { return cached }
        guard let bytes = encoding.keyBytes(secret), !bytes.isEmpty else { return nil }
        let key = HMACKey(algorithm: algorithm, key: bytes)
        keys.withLock { entries in
            if entries.count >= Self.capacity { entries.removeFirst() }
            entries.append((secret.bytes, key))
        }
        return key
    }
}
