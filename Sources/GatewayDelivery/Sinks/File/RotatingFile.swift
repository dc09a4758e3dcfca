// The file behind the `file` sink: append a batch of lines, rotate first when due, fdatasync once.
// Only the FileSink's batch leader calls into it, one thread at a time.

import GatewayCore
import GatewayStore
#if canImport(Glibc)
import Glibc
#endif

/// Why `@unchecked Sendable` is safe: FileSink calls `append` only from the thread that holds its
/// `writing` flag and `close` only after waiting for that flag to clear, so the mutable state here
/// is never touched by two threads at once.
final class RotatingFile: @unchecked Sendable {
    let path: String
    let rotation: FileRotation
    let clock: any DeliveryClock
    /// False trades durability of the written lines against a power cut for throughput (the
    /// journal still holds every event, so a process crash loses nothing either way).
    let sync: Bool
    private var fd: Int32 = -1
    private var size = 0
    private var dropBehind = DropBehind()
    private var period: Int64?
    /// The batch being written, reused so a steady stream of batches allocates nothing.
    private var buffer: [UInt8] = []
    /// A buffer grown past this by a burst of large events is released after its batch.
    private static let keptBufferBytes = 1 << 20

    init(path: String, rotation: FileRotation, clock: any DeliveryClock, sync: Bool = true) {
        self.path = path
        self.rotation = rotation
        self.clock = clock
        self.sync = sync
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Appends each envelope as one JSON line (see `JSONLines`), in one write unless a size
    /// rotation falls inside the batch.
    func append(_ envelopes: [[UInt8]]) -> DeliveryOutcome {
        let now = clock.now().nanoseconds
        do throws(FileSinkError) {
            if fd < 0 { try open(now: now) }
            if let current = rotation.period(ofNanoseconds: now), let period, current != period {
                try rotate(now: now)
            }
            buffer.removeAll(keepingCapacity: true)
            defer { if buffer.capacity > Self.keptBufferBytes { buffer = [] } }
            buffer.reserveCapacity(envelopes.reduce(0) { $0 + $1.count + 1 })
            let start = size
            for envelope in envelopes {
                if let max = rotation.maxSize, size + buffer.count > 0, size + buffer.count + envelope.count + 1 > max {
                    try write(buffer, restoringTo: start)
                    buffer.removeAll(keepingCapacity: true)
                    try rotate(now: now)
                }
                JSONLines.append(envelope, to: &buffer)
            }
            try write(buffer, restoringTo: size)
            if sync, fdatasync(fd) != 0 { throw FileSinkError(op: "fdatasync", path: path, errno: errno) }
            return .delivered(status: nil)
        } catch {
            return .retry(reason: error.description, after: nil)
        }
    }

    /// Opens the file now rather than at the first append (`FileSink.open`).
    func openIfClosed() throws(FileSinkError) {
        if fd < 0 { try open(now: clock.now().nanoseconds) }
    }

    func close() {
        if fd >= 0 {
            _ = fdatasync(fd)
            Glibc.close(fd)
            fd = -1
        }
    }

    /// Existing rotated files (`<path>.<time>`), oldest first: their names sort by time.
    func rotatedFiles() -> [String] {
        let (dir, base) = split(path)
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(base + ".") { out.append(dir + "/" + name) }
        }
        return out.sorted()
    }

    private func open(now: Int64) throws(FileSinkError) {
        let (dir, _) = split(path)
        createDirectories(dir)
        let f = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw FileSinkError(op: "open", path: path, errno: errno) }
        var st = stat()
        guard fstat(f, &st) == 0 else {
            let e = errno
            Glibc.close(f)
            throw FileSinkError(op: "fstat", path: path, errno: e)
        }
        fd = f
        size = Int(st.st_size)
        dropBehind = DropBehind(from: UInt64(size))
        // A file continued after a restart belongs to the period it was last written in.
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        period = rotation.period(ofNanoseconds: size > 0 ? mtime : now)
    }

    private func write(_ bytes: [UInt8], restoringTo start: Int) throws(FileSinkError) {
        guard !bytes.isEmpty else { return }
        var done = 0
        let failure: Int32? = bytes.withUnsafeBytes { buf in
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return nil
        }
        if let failure {
            // Cut a partial batch back off so the file never holds half a line.
            _ = ftruncate(fd, off_t(start))
            size = start
            throw FileSinkError(op: "write", path: path, errno: failure)
        }
        size += bytes.count
        dropBehind.wrote(upTo: UInt64(size), fd: fd)
    }

    private func rotate(now: Int64) throws(FileSinkError) {
        guard fdatasync(fd) == 0 else { throw FileSinkError(op: "fdatasync", path: path, errno: errno) }
        Glibc.close(fd)
        fd = -1
        if size > 0 {
            var target = path + "." + Self.stamp(now)
            var n = 1
            while access(target, F_OK) == 0 {
                target = path + "." + Self.stamp(now) + "-\(n)"
                n += 1
            }
            guard rename(path, target) == 0 else { throw FileSinkError(op: "rename", path: path, errno: errno) }
            let (dir, _) = split(path)
            let dfd = Glibc.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dfd >= 0 {
                _ = fsync(dfd)
                Glibc.close(dfd)
            }
        }
        try open(now: now)
        period = rotation.period(ofNanoseconds: now)
    }

    /// `20261126T123000.123Z`: sorts in time order and is safe in every file system.
    static func stamp(_ ns: Int64) -> String {
        let s = Timestamp(nanoseconds: ns).rfc3339(fractionDigits: 3)
        return String(s.filter { $0 != "-" && $0 != ":" })
    }

    private func split(_ p: String) -> (dir: String, base: String) {
        guard let slash = p.lastIndex(of: "/") else { return (".", p) }
        let dir = String(p[..<slash])
        return (dir.isEmpty ? "/" : dir, String(p[p.index(after: slash)...]))
    }

    private func createDirectories(_ dir: String) {
        guard access(dir, F_OK) != 0 else { return }
        var partial = dir.hasPrefix("/") ? "" : "."
        for component in dir.split(separator: "/") {
            partial += "/" + component
            _ = mkdir(partial, 0o755)
        }
    }
}

struct FileSinkError: Error, CustomStringConvertible {
    var op: String
    var path: String
    var errno: Int32

    var description: String { "\(op) \(path): \(String(cString: strerror(errno)))" }
}
