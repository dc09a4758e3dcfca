// One-shot message digests (content hashes for dedupe keys, event ids, key derivation).

/// SHA-256 of `bytes`.
public func sha256(_ bytes: [UInt8]) -> [UInt8] {
    digest(.sha256, bytes)
}

/// The digest of `bytes` under `algorithm`.
public func digest(_ algorithm: DigestAlgorithm, _ bytes: [UInt8]) -> [UInt8] {
    var state = HashState(algorithm)
    bytes.withUnsafeBytes { state.update($0) }
    return [UInt8](unsafeUninitializedCapacity: algorithm.outputLength) { out, count in
        state.finish(into: out.baseAddress!)
        count = algorithm.outputLength
    }
}
