// Opening the journal after a clean stop or a crash. Only the last segment can hold a torn write
// under policy `always` (older ones were synced before the next one started), so only it is opened
// and scanned in full here; older segments are only stat'ed, and their headers and records are
// checked as they are read, which keeps start-up time independent of the retention window.

import CLinux
import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

enum JournalRecovery {
    struct Result {
        var segments: [SegmentInfo]
        /// The last segment, open for appending.
        var active: FileDescriptor
        var nextNumber: UInt64
    }

    static func open(directory: String, logger: Logger) throws(StoreError) -> Result {
        try FileSystem.createDirectory(directory)
        let names = try FileSystem.list(directory)
        // Spare segments an earlier run prepared and never used (SegmentPreparer).
        for name in names where name.hasSuffix(SegmentPreparer.suffix) { try FileSystem.remove(directory + "/" + name) }
        let numbers = names.compactMap(SegmentFile.number(of:)).sorted()
        var segments: [SegmentInfo] = []
        for number in numbers.dropLast() {
            let size = try FileSystem.status(SegmentFile.path(number, in: directory)).size
            segments.append(SegmentInfo(number: number, committed: size))
        }
        var active: FileDescriptor?
        if let number = numbers.last {
            let path = SegmentFile.path(number, in: directory)
            let file = try FileDescriptor(path: path, flags: O_RDWR)
            let size = try file.size()
            if size < SegmentFile.headerSize {
                // A crash while the segment was being created: finish creating it.
                try file.truncate(to: 0)
                try file.write(SegmentFile.header(number), at: 0)
                try file.dataSync()
                segments.append(SegmentInfo(number: number, committed: SegmentFile.headerSize))
                active = file
            } else if try file.read(count: Int(SegmentFile.headerSize), at: 0) == SegmentFile.header(number) {
                let committed = try recoverTail(file, number: number, size: size, logger: logger)
                segments.append(SegmentInfo(number: number, committed: committed))
                active = file
            } else {
                logger.error("journal segment has a bad header; its records are skipped", [("segment", String(number)), ("path", path)])
            }
        }
        // Past every file on disk, including a skipped bad one, so creation never collides with it.
        let next = (numbers.last ?? 0) + 1
        guard let active else {
            let file = try SegmentFile.create(directory: directory, number: next)
            segments.append(SegmentInfo(number: next, committed: SegmentFile.headerSize))
            return Result(segments: segments, active: file, nextNumber: next + 1)
        }
        return Result(segments: segments, active: active, nextNumber: next)
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
                    if try scanner.isZeroFilled(from: at) {
                        // The unused end of a prepared segment (SegmentPreparer), or a last batch
                        // that never reached the disk: no damage to report.
                        logger.debug("releasing the unused end of the journal segment", [
                            ("segment", String(number)), ("offset", String(at)), ("bytes", String(size - at)),
                        ])
                    } else {
                        logger.warning("truncating torn tail of journal segment", [
                            ("segment", String(number)), ("offset", String(at)), ("bytes", String(size - at)), ("reason", reason),
                        ])
                    }
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
