// Opening the journal after a clean stop or a crash. Only the last segment can hold a torn write
// under policy `always` (older ones were synced before the next one started), so only it is scanned
// in full here; older segments are checked record by record as they are read, which keeps start-up
// time independent of the retention window.

import CLinux
import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

enum JournalRecovery {
    struct Result {
        var segments: [SegmentInfo]
        var nextNumber: UInt64
    }

    static func open(directory: String, logger: Logger) throws(StoreError) -> Result {
        try FileSystem.createDirectory(directory)
        let numbers = try FileSystem.list(directory).compactMap(SegmentFile.number(of:)).sorted()
        var segments: [SegmentInfo] = []
        for (i, number) in numbers.enumerated() {
            let path = directory + "/" + SegmentFile.name(number)
            let file = try FileDescriptor(path: path, flags: O_RDWR)
            let size = try file.size()
            let isLast = i == numbers.count - 1
            if isLast && size < SegmentFile.headerSize {
                // A crash while the segment was being created: finish creating it.
                try file.truncate(to: 0)
                try file.write(SegmentFile.header(number), at: 0)
                try file.dataSync()
                segments.append(SegmentInfo(number: number, file: file, committed: SegmentFile.headerSize))
                continue
            }
            guard try file.read(count: Int(SegmentFile.headerSize), at: 0) == SegmentFile.header(number) else {
                logger.error("journal segment has a bad header; its records are skipped", [("segment", String(number)), ("path", path)])
                continue
            }
            let committed = isLast ? try recoverTail(file, number: number, size: size, logger: logger) : size
            segments.append(SegmentInfo(number: number, file: file, committed: committed))
        }
        // Past every file on disk, including a skipped bad one, so creation never collides with it.
        var next = (numbers.last ?? 0) + 1
        if segments.last?.number != numbers.last || segments.isEmpty {
            let file = try SegmentFile.create(directory: directory, number: next)
            segments.append(SegmentInfo(number: next, file: file, committed: SegmentFile.headerSize))
            next += 1
        }
        return Result(segments: segments, nextNumber: next)
    }

    /// Scans the whole segment; logs corrupt records in the middle (they stay on disk and are skipped
    /// by readers) and truncates a torn tail. Returns the committed length.
    static func recoverTail(_ file: FileDescriptor, number: UInt64, size: UInt64, logger: Logger) throws(StoreError) -> UInt64 {
        var scanner = FrameScanner(file: file, limit: size, initialWindow: FrameScanner.maxWindow)
        var offset = SegmentFile.headerSize
        while true {
            switch try scanner.step(at: offset) {
            case let .record(_, _, next):
                offset = next
            case let .corrupt(at, resume, reason):
                if resume >= size {
                    logger.warning("truncating torn tail of journal segment", [
                        ("segment", String(number)), ("offset", String(at)), ("bytes", String(size - at)), ("reason", reason),
                    ])
                    try file.truncate(to: at)
                    try file.dataSync()
                    return at
                }
                logger.error("corrupt journal record skipped", [
                    ("segment", String(number)), ("offset", String(at)), ("skipped_bytes", String(resume - at)), ("reason", reason),
                ])
                offset = resume
            case .end:
                return size
            }
        }
    }
}
