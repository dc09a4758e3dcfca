// Keeps an append-only file's written data from piling up in the page cache.
//
// Why: this VM kind returns free memory to the host (virtio-balloon free page reporting, DAMON),
// so every page the page cache takes that was not recently used costs the hypervisor a fault to
// back again. A gateway appending ~3 KiB per webhook (journal and file sink) fills fresh memory
// all run long: in four back-to-back W1 runs the copy into the page cache grew from 1% to 14% of
// the CPU and throughput fell by a fifth. Recent journal records are read back from the journal's
// memory tail (only a sink lagging past it, or a replay, reads the disk) and the file sink's output
// not at all, so written data can go once it is on disk: every `chunk` bytes,
// writeback of the new range is started, and the range before it, whose writeback was started a
// chunk ago, is dropped. Its pages return to the allocator hot and are reused for the next writes.

import CLinux
#if canImport(Glibc)
import Glibc
#endif

public struct DropBehind: Sendable {
    /// Small, because both calls run on the writing thread (for the journal under `fsync: never`,
    /// the event loop) and take time in proportion: with 4 MiB chunks each took 0.5-4 ms
    /// (`perf trace` under W1), a stall of the loop's round several times a second that set the
    /// p99; at 512 KiB a call takes ~0.15 ms (at most ~0.7), for the same total work.
    public static let chunk: UInt64 = 512 << 10
    /// Writeback has been started for [0, started); pages below `dropped` were released.
    private var started: UInt64
    private var dropped: UInt64

    /// For a file whose first `offset` bytes are already written (and left as they are).
    public init(from offset: UInt64 = 0) {
        started = offset
        dropped = offset
    }

    /// Call after writing up to `end` of `fd`.
    public mutating func wrote(upTo end: UInt64, fd: Int32) {
        guard end >= started &+ DropBehind.chunk else { return }
        _ = clinux_start_writeback(fd, Int64(started), Int64(end - started))
        if started > dropped {
            _ = posix_fadvise(fd, off_t(dropped), off_t(started - dropped), POSIX_FADV_DONTNEED)
            dropped = started
        }
        started = end
    }
}
