// A dedupe key as the index holds it: the 128-bit MurmurHash3 (x64, seed 0) of the key's UTF-8
// bytes. Fixed-size keys let the index live in flat arrays without a heap string per entry (the
// Dictionary<String, …> it replaces cost ~150 bytes per key and a chain of dependent memory reads
// per look-up: bucket map, key string object, value).
//
// Why a 128-bit fingerprint may stand for the key: the keys are gateway event ids, themselves 130
// bits of SHA-256 over the source and the provider's dedupe key, so no sender can choose them; two
// distinct keys share a fingerprint with probability ~n²/2¹²⁹ (10⁻²⁷ for a million keys), far below
// the chance that the event ids themselves collide. The hash is fixed (not seeded per process)
// because fingerprints are persisted in the dedupe log.

import GatewayCore

public struct DedupeKey: Hashable, Sendable {
    public let high: UInt64
    public let low: UInt64

    /// The all-zero fingerprint marks a free slot in the table, so no key has it: the empty
    /// string's MurmurHash3 is zero, and it (like any zero read back from a damaged log) becomes (0, 1).
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = high == 0 && low == 0 ? 1 : low
    }

    public init(_ key: String) {
        let (high, low) = key.withUTF8Bytes { Murmur3.hash128(UnsafeRawBufferPointer($0)) }
        self.init(high: high, low: low)
    }
}
