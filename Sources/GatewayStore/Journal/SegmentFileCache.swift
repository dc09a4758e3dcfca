// Read descriptors for journal segments, opened on demand and capped. A week of retention at a
// high ingest rate is thousands of segments; keeping one descriptor per segment open would run the
// process out of file descriptors, so readers share a small least-recently-opened cache instead.
// A descriptor evicted while a reader still uses it stays valid: FileDescriptor closes on deinit.

import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

final class SegmentFileCache: Sendable {
    static let capacity = 32

    private struct Cache {
        var files: [UInt64: FileDescriptor] = [:]
        var order: [UInt64] = []
    }

    let directory: String
    private let cache = Mutex(Cache())

    init(directory: String) { self.directory = directory }

    /// The open segment `number`, its header checked on first open. Throws `.corrupt` (offset 0)
    /// for a file whose header does not match its name, `.io` if it cannot be opened.
    func file(_ number: UInt64) throws(StoreError) -> FileDescriptor {
        if let f = cache.withLock({ $0.files[number] }) { return f }
        let f = try FileDescriptor(path: SegmentFile.path(number, in: directory), flags: O_RDONLY)
        guard try f.read(count: Int(SegmentFile.headerSize), at: 0) == SegmentFile.header(number) else {
            throw StoreError.corrupt(segment: number, offset: 0, reason: "bad segment header")
        }
        return cache.withLock { c in
            if let existing = c.files[number] { return existing }
            c.files[number] = f
            c.order.append(number)
            if c.order.count > SegmentFileCache.capacity { c.files[c.order.removeFirst()] = nil }
            return f
        }
    }

    func evict(_ number: UInt64) {
        cache.withLock { c in
            c.files[number] = nil
            c.order.removeAll { $0 == number }
        }
    }
}
