// Reading the journal back (delivery, replay, the CLI). Readers run on any thread, concurrently with
// the writer: they see only committed records (up to each segment's committed length) and read with
// pread on the segment's shared descriptor, so they never take the writer's lock while doing I/O.

import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

extension Journal {
    /// Up to `limit` records whose position is at or after `position`, in journal order, and no
    /// more than `maxBytes` of payload (but always the first record). A position that is a
    /// record's `next` (or a sink cursor) continues right after that record; a position in a
    /// deleted segment continues with the oldest segment still present. Corrupt records are
    /// skipped (and logged once, with segment and offset).
    ///
    /// The byte bound is for readers that keep what they read, like a sink's delivery window:
    /// with 64 KiB webhooks a read of 1024 records was 66 MB at once, before the window's own byte
    /// bound dropped most of it again.
    public func read(from position: JournalPosition, limit: Int, maxBytes: Int = .max) throws(StoreError) -> [JournalEntry] {
        guard limit > 0 else { return [] }
        let (segments, cached) = shared.withLock { s -> ([SegmentInfo], [JournalEntry]?) in
            if let cached = s.tail.read(from: position, limit: limit, maxBytes: maxBytes) { return ([], cached) }
            return (s.segments, nil)
        }
        if let cached { return cached }
        var out: [JournalEntry] = []
        var bytes = 0
        for segment in segments where segment.number >= position.segment {
            var offset = segment.number == position.segment ? max(position.offset, SegmentFile.headerSize) : SegmentFile.headerSize
            guard offset < segment.committed, let file = try open(segment) else { continue }
            var scanner = FrameScanner(file: file, limit: segment.committed)
            scanning: while true {
                switch try scanner.step(at: offset) {
                case let .record(at, payload, next):
                    bytes += payload.count
                    if bytes > maxBytes && !out.isEmpty { return out }
                    out.append(JournalEntry(
                        position: JournalPosition(segment: segment.number, offset: at),
                        next: JournalPosition(segment: segment.number, offset: next), payload: payload))
                    if out.count == limit { return out }
                    offset = next
                case let .corrupt(at, resume, reason):
                    report(segment: segment.number, offset: at, resume: resume, reason: reason)
                    offset = resume
                case .end:
                    break scanning
                }
            }
        }
        return out
    }

    /// Up to `limit` records strictly after `position` (from the beginning when nil).
    public func read(after position: JournalPosition?, limit: Int) throws(StoreError) -> [JournalEntry] {
        guard let position else { return try read(from: JournalPosition(segment: 0, offset: 0), limit: limit) }
        guard limit > 0 else { return [] }
        var entries = try read(from: position, limit: limit + 1)
        if entries.first?.position == position {
            entries.removeFirst()
        } else if entries.count > limit {
            entries.removeLast()
        }
        return entries
    }

    /// The record starting exactly at `position`; nil if there is none (past the end, before the
    /// first record, or in a deleted segment). Throws `.corrupt` if the record there is damaged.
    public func read(at position: JournalPosition) throws(StoreError) -> JournalEntry? {
        let segment = shared.withLock { s in s.segments.first { $0.number == position.segment } }
        guard let segment, position.offset >= SegmentFile.headerSize, position.offset < segment.committed else { return nil }
        guard let file = try open(segment) else { return nil }
        var scanner = FrameScanner(file: file, limit: segment.committed, initialWindow: 4096)
        switch try scanner.step(at: position.offset) {
        case let .record(at, payload, next):
            return JournalEntry(
                position: JournalPosition(segment: segment.number, offset: at),
                next: JournalPosition(segment: segment.number, offset: next), payload: payload)
        case let .corrupt(at, _, reason):
            throw StoreError.corrupt(segment: segment.number, offset: at, reason: reason)
        case .end:
            return nil
        }
    }

    /// The start of the oldest segment whose file was last modified at or after `time`, or `end`
    /// when none was: every record appended since `time` lies at or after it. A segment whose
    /// time cannot be read counts as recent, so a reader from here misses nothing. Costs a stat
    /// per segment, no reads.
    func startOfSegments(modifiedSince time: Timestamp) -> JournalPosition {
        let (numbers, end) = shared.withLock { s in (s.segments.map(\.number), s.end) }
        for number in numbers {
            let modified = (try? FileSystem.status(SegmentFile.path(number, in: directory)))?.modified ?? .max
            if modified >= time.nanoseconds { return JournalPosition(segment: number, offset: SegmentFile.headerSize) }
        }
        return end
    }

    /// The segment's read descriptor; nil (and reported once) when its header is bad or it was
    /// deleted by retention meanwhile, so readers move on to the next segment.
    private func open(_ segment: SegmentInfo) throws(StoreError) -> FileDescriptor? {
        do {
            return try files.file(segment.number)
        } catch let StoreError.corrupt(number, offset, reason) {
            report(segment: number, offset: offset, resume: segment.committed, reason: reason)
            return nil
        } catch let StoreError.io(_, code, _) where code == ENOENT {
            return nil
        }
    }

    private func report(segment: UInt64, offset: UInt64, resume: UInt64, reason: String) {
        let first = reportedCorruption.withLock { $0.insert(JournalPosition(segment: segment, offset: offset)).inserted }
        guard first else { return }
        logger.error("corrupt journal record skipped", [
            ("segment", String(segment)), ("offset", String(offset)), ("skipped_bytes", String(resume - offset)), ("reason", reason),
        ])
    }
}
