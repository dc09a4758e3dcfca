// Zero-filled spare segment files, for the policies that sync. Appending to a file changes its size
// and allocates blocks, so each fdatasync after an append also commits file-system metadata (on
// ext4 a journal commit, which first writes out every other file's newly allocated data: the
// file sink's output, the dedupe log). Overwriting blocks that already hold zeros leaves only the
// data to flush. Measured on this machine (`taskset -c 1 python3 bench/fsync-prealloc.py`):
// fdatasync of 96 KiB p50 220-230 µs instead of 370-500 µs while another file is appended to;
// W1 under `fsync: always`, four alternating runs: 17.9k instead of 16.4k req/s.
//
// The writer asks for the next segment's spare once a quarter of the active one is used; it is written in
// the background as `<segment name>.prep` (the header, zeros to the segment size, fdatasync) and
// renamed into place at rollover. If it is not ready by then, rollover creates a plain file as
// before and the late spare is deleted. The first segment of a journal, and the active one after a
// restart, are plain files: preparing them would make every start (and every test) write 64 MiB.
//
// The zeros are written with O_DIRECT, around the page cache. Written through it, each spare took
// 64 MiB of fresh page-cache memory ahead of the journal, and on this VM kind fresh memory costs a
// hypervisor fault per page (see DropBehind): the copy was 7-9% of the gateway's CPU under W1 with
// `fsync: always` (perf). Since the spare's pages are then not cached, a write covering part of a
// page would make the kernel read that page from disk first: the writer writes whole pages into a
// prepared segment (JournalWriter.pageHead). Where O_DIRECT is refused (tmpfs, some file
// systems), the spare is written through the page cache as before.

import CLinux
import Dispatch
import GatewayCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

final class SegmentPreparer: Sendable {
    static let suffix = ".prep"
    /// Between 1 MiB chunks: at most ~100 MB/s of zeros, a 64 MiB spare in under a second.
    static let pauseMicroseconds: UInt32 = 10_000
    static let chunkSize = 1 << 20
    /// Unit of the page cache, and so of the writer's whole-page writes into a prepared segment.
    static let pageSize = UInt64(max(4096, sysconf(Int32(_SC_PAGESIZE))))

    private enum State {
        case idle
        case preparing(UInt64)
        case ready(UInt64)
        case closed
    }

    private let state = Mutex(State.idle)
    private let queue = DispatchQueue(label: "journal-segment-preparer", qos: .utility)
    let directory: String
    let size: UInt64
    let logger: Logger

    /// (Spares left by an earlier run are removed by JournalRecovery, whatever the policy.)
    init(directory: String, segmentSize: Int, logger: Logger) {
        self.directory = directory
        size = UInt64(segmentSize)
        self.logger = logger
    }

    private func sparePath(_ number: UInt64) -> String { SegmentFile.path(number, in: directory) + SegmentPreparer.suffix }

    /// Starts writing the spare for segment `number` in the background, unless a spare is already
    /// ready or being written.
    func prepare(_ number: UInt64) {
        let start = state.withLock { s -> Bool in
            guard case .idle = s else { return false }
            s = .preparing(number)
            return true
        }
        if start { queue.async { [self] in fill(number) } }
    }

    private func fill(_ number: UInt64) {
        let path = sparePath(number)
        let completed: Bool
        do throws(StoreError) {
            do {
                completed = try write(number, to: path, direct: true)
            } catch {
                logger.debug("journal spare: O_DIRECT refused, writing through the page cache", [("error", error.description)])
                completed = try write(number, to: path, direct: false)
            }
        } catch {
            // Typically a full disk: rollover falls back to a plain segment, which fails or not on
            // its own; the spare is only an optimisation.
            try? FileSystem.remove(path)
            state.withLock { s in if case .preparing(number) = s { s = .idle } }
            logger.warning("could not prepare the next journal segment; it will be created on rollover", [("error", error.description)])
            return
        }
        guard completed else {
            try? FileSystem.remove(path)
            return
        }
        let kept = state.withLock { s -> Bool in
            guard case .preparing(number) = s else { return false }
            s = .ready(number)
            return true
        }
        if !kept { try? FileSystem.remove(path) }
    }

    /// Writes the spare: the header, then zeros up to the segment size (in whole pages, as
    /// O_DIRECT requires), then fdatasync. False if it stopped being wanted midway.
    private func write(_ number: UInt64, to path: String, direct: Bool) throws(StoreError) -> Bool {
        let file = try FileDescriptor(path: path, flags: O_RDWR | O_CREAT | O_TRUNC | (direct ? clinux_o_direct() : 0))
        let page = SegmentPreparer.pageSize
        let total = (size + page - 1) / page * page
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: SegmentPreparer.chunkSize, alignment: Int(page))
        defer { chunk.deallocate() }
        chunk.initializeMemory(as: UInt8.self, repeating: 0)
        let header = SegmentFile.header(number)
        chunk.copyBytes(from: header)
        // Paced: 1 MiB at a time, then a pause. Written in one burst, the 64 MiB (and the
        // fdatasync behind them) queued the journal's own syncs on the disk: W1 p99 17-20 ms
        // instead of 8 ms.
        var offset: UInt64 = 0
        while offset < total {
            guard isWanted(number) else { return false }
            let n = Int(min(UInt64(chunk.count), total - offset))
            try file.write(UnsafeRawBufferPointer(rebasing: chunk[0..<n]), at: offset)
            if offset == 0 {  // the header goes in the first chunk only
                UnsafeMutableRawBufferPointer(rebasing: chunk[0..<header.count]).initializeMemory(as: UInt8.self, repeating: 0)
            }
            // Through the page cache, start writeback now rather than leave it all to the fdatasync.
            if !direct { _ = clinux_start_writeback(file.fd, Int64(offset), Int64(n)) }
            offset += UInt64(n)
            usleep(SegmentPreparer.pauseMicroseconds)
        }
        try file.dataSync()
        return true
    }

    /// Still preparing `number`: not abandoned by a rollover that came first, not closed.
    private func isWanted(_ number: UInt64) -> Bool {
        state.withLock { s in if case .preparing(number) = s { true } else { false } }
    }

    /// The spare for `number`, renamed to its segment name and opened (the caller syncs the
    /// directory), or nil if none is ready; a spare still being written is abandoned and deletes
    /// itself when done.
    func take(_ number: UInt64) -> FileDescriptor? {
        let ready = state.withLock { s -> UInt64? in
            switch s {
            case let .ready(n):
                s = .idle
                return n
            case .preparing:
                s = .idle
                return nil
            case .idle, .closed:
                return nil
            }
        }
        guard let ready else { return nil }
        guard ready == number else {
            try? FileSystem.remove(sparePath(ready))
            return nil
        }
        let path = SegmentFile.path(number, in: directory)
        do {
            try FileSystem.rename(sparePath(number), to: path)
        } catch {
            logger.warning("could not use the prepared journal segment", [("error", error.description)])
            try? FileSystem.remove(sparePath(number))
            return nil
        }
        do {
            return try FileDescriptor(path: path, flags: O_RDWR)
        } catch {
            // It holds no record yet: remove it so the plain creation that follows can succeed.
            logger.warning("could not open the prepared journal segment", [("error", error.description)])
            try? FileSystem.remove(path)
            return nil
        }
    }

    /// Waits for a spare being written (tests).
    func drain() { queue.sync {} }

    /// Stops preparing and deletes an unused spare. A spare being written sees it is no longer
    /// wanted and deletes itself before the queue drains.
    func close() {
        let ready = state.withLock { s -> UInt64? in
            defer { s = .closed }
            if case let .ready(n) = s { return n }
            return nil
        }
        queue.sync {}
        if let ready { try? FileSystem.remove(sparePath(ready)) }
    }
}
