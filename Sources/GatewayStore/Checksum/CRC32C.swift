// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every journal and state
// record. On x86-64 with SSE 4.2 (checked at run time) the crc32 instruction does 8 bytes at a
// time (CLinux's clinux_crc32c): the software loop was ~3% of the gateway's CPU under W1 and 13%
// with 64 KiB webhooks. Elsewhere, slicing-by-16: sixteen 256-entry tables (16 KiB) let the loop
// consume 16 bytes per iteration with independent lookups instead of one dependent lookup per
// byte. Both are tested against the RFC 3720 appendix B.4 vectors and against each other.

#if arch(x86_64)
import CLinux
#endif

public enum CRC32C {
    #if arch(x86_64)
    static let hardware = clinux_has_crc32c() != 0
    #else
    static let hardware = false
    #endif

    /// tables[k][b]: CRC of byte b followed by k zero bytes, flattened as k * 256 + b.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 16 * 256)
        for b in 0..<256 {
            var crc = UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            t[b] = crc
        }
        for k in 1..<16 {
            for b in 0..<256 {
                let prev = t[(k - 1) * 256 + b]
                t[k * 256 + b] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    /// The CRC32C of `bytes`; pass a previous result as `continuing` to checksum data in pieces.
    public static func checksum(_ bytes: [UInt8], continuing previous: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: previous) }
    }

    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        #if arch(x86_64)
        if hardware, let base = bytes.baseAddress { return ~clinux_crc32c(~previous, base, bytes.count) }
        #endif
        return software(bytes, continuing: previous)
    }

    static func software(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        var crc = ~previous
        guard var p = bytes.baseAddress, bytes.count > 0 else { return previous }
        var n = bytes.count
        tables.withUnsafeBufferPointer { tp in
            let t = tp.baseAddress!
            // Byte-wise until 8-byte aligned, so the wide loads below are aligned.
            while n > 0 && Int(bitPattern: p) & 7 != 0 {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)]
                p += 1
                n -= 1
            }
            @inline(__always) func slice(_ k: Int, _ byte: UInt64) -> UInt32 { t[k * 256 + Int(byte & 0xFF)] }
            while n >= 16 {
                // Little-endian words: the low 32 bits of the first meet the running CRC (x86-64 and
                // arm64 are LE). Byte j of the 16 goes through table 15 - j.
                let a = UInt64(littleEndian: p.load(as: UInt64.self)) ^ UInt64(crc)
                let b = UInt64(littleEndian: (p + 8).load(as: UInt64.self))
                crc = slice(15, a) ^ slice(14, a >> 8) ^ slice(13, a >> 16) ^ slice(12, a >> 24)
                    ^ slice(11, a >> 32) ^ slice(10, a >> 40) ^ slice(9, a >> 48) ^ slice(8, a >> 56)
                    ^ slice(7, b) ^ slice(6, b >> 8) ^ slice(5, b >> 16) ^ slice(4, b >> 24)
                    ^ slice(3, b >> 32) ^ slice(2, b >> 40) ^ slice(1, b >> 48) ^ slice(0, b >> 56)
                p += 16
                n -= 16
            }
            while n > 0 {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)]
                p += 1
                n -= 1
            }
        }
        return ~crc
    }
}
