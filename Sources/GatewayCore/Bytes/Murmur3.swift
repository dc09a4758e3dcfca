// MurmurHash3 (x64, 128-bit, seed 0): a fast, fixed (unseeded) hash of bytes. For fingerprints
// that are persisted (dedupe keys) or compared across threads, where Swift's per-process seeded
// `hashValue` cannot be used, and for hot paths where SipHash's cost shows. Not for anything an
// attacker must not be able to collide.

public enum Murmur3 {
    /// MurmurHash3_x64_128 with seed 0 (Austin Appleby's public-domain algorithm), returning
    /// (h1, h2): the first and second 64-bit halves of the digest.
    public static func hash128(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
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
