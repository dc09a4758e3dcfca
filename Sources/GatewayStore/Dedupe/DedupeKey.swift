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
        let (high, low) = key.withUTF8Bytes { DedupeKey.murmur3(UnsafeRawBufferPointer($0)) }
        self.init(high: high, low: low)
    }

    /// MurmurHash3_x64_128 with seed 0 (Austin Appleby's public-domain algorithm), returning
    /// (h1, h2): the first and second 64-bit halves of the digest.
    static func murmur3(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let c1: UInt64 = 0x87C3_7B91_1142_53D5
        let c2: UInt64 = 0x4CF5_AD43_2745_937F
        var h1: UInt64 = 0
        var h2: UInt64 = 0
        let blocks = bytes.count / 16
        for i in 0..<blocks {
            let k1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self))
            let k2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self))
            h1 ^= mixK1(k1)
            h1 = rotl(h1, 27) &+ h2
            h1 = h1 &* 5 &+ 0x52DC_E729
            h2 ^= mixK2(k2)
            h2 = rotl(h2, 31) &+ h1
            h2 = h2 &* 5 &+ 0x3849_5AB5
        }
        // The tail (0–15 bytes) as two little-endian words, zero-padded.
        let tail = bytes.count & 15
        if tail > 0 {
            var k1: UInt64 = 0
            var k2: UInt64 = 0
            let base = blocks * 16
            for j in 0..<tail {
                let b = UInt64(bytes[base + j])
                if j < 8 { k1 |= b << (8 * UInt64(j)) } else { k2 |= b << (8 * UInt64(j - 8)) }
            }
            if tail > 8 { h2 ^= mixK2(k2) }
            h1 ^= mixK1(k1)
        }
        h1 ^= UInt64(bytes.count)
        h2 ^= UInt64(bytes.count)
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        h1 = fmix(h1)
        h2 = fmix(h2)
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        return (h1, h2)

        func mixK1(_ k: UInt64) -> UInt64 { rotl(k &* c1, 31) &* c2 }
        func mixK2(_ k: UInt64) -> UInt64 { rotl(k &* c2, 33) &* c1 }
    }

    private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { x << r | x >> (64 - r) }

    private static func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33
        k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}
