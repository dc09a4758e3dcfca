// Random bytes for identifiers made on every request (request ids, W3C trace and span ids). They
// come from the same CSPRNG as `secureRandomBytes`, drawn 4 KiB at a time: each RAND_bytes call
// pays a fixed DRBG set-up (and a getpid for fork safety) whatever its size:
// under W1 load perf put the three calls per webhook (OSSL_PARAM look-ups, cipher set-up, getpid)
// at about 4% of the gateway's CPU.
//
// Fork safety: the buffer is process memory, so a child forked without exec would repeat the
// parent's next ids. The gateway never forks without exec, and these ids are unique labels, not
// secrets; keys and secrets keep using `secureRandomBytes`.

import COpenSSL
import Synchronization

public enum RandomPool {
    private struct Buffer {
        var bytes = [UInt8](repeating: 0, count: RandomPool.size)
        var next = RandomPool.size
    }

    static let size = 4096
    private static let buffer = Mutex(Buffer())

    /// `count` (at most 4096) random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= size, "RandomPool: count out of range")
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            fill(UnsafeMutableRawBufferPointer(out))
            initialized = count
        }
    }

    /// Fills `out` (at most 4096 bytes) with random bytes: for ids written straight into a
    /// string, with no array allocated for the bytes.
    public static func fill(_ out: UnsafeMutableRawBufferPointer) {
        let count = out.count
        precondition(count <= size, "RandomPool: count out of range")
        buffer.withLock { b in
            if b.next + count > size {
                let ok = b.bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(size)) }
                precondition(ok == 1, "OpenSSL: RAND_bytes failed")
                b.next = 0
            }
            b.bytes.withUnsafeBytes { out.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[b.next..<(b.next + count)])) }
            b.next += count
        }
    }
}
