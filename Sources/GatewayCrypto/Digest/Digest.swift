// One-shot message digests (content hashes for dedupe keys, event ids, key derivation).

/// SHA-256 of `bytes`.
public func sha256(_ bytes: [UInt8]) -> [UInt8] {
    digest(.sha256, bytes)
}

/// The digest of `bytes` under `algorithm`.
public func digest(_ algorithm: DigestAlgorithm, _ bytes: [UInt8]) -> [UInt8] {
    var digester = Digester(algorithm)
    bytes.withUnsafeBytes { digester.update($0) }
    return digester.finish { Array($0) }
}

/// A digest fed in parts and read without allocating: for hashes computed per request (event
/// ids), where concatenating the input and returning the digest as an array cost two mallocs.
public struct Digester {
    private var state: HashState

    public init(_ algorithm: DigestAlgorithm) { state = HashState(algorithm) }

    public mutating func update(_ text: String) { state.update(text) }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) { state.update(bytes) }

    /// Passes the digest to `body` in stack memory; the digester is spent afterwards.
    public mutating func finish<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        let length = state.algorithm.outputLength
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { out in
            state.finish(into: out.baseAddress!)
            return body(UnsafeRawBufferPointer(start: out.baseAddress, count: length))
        }
    }
}
