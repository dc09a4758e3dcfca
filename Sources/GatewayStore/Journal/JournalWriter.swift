// The journal's single writer: group commit. Each turn it takes everything queued, frames it into
// one buffer, writes it with one pwrite and (policy `always`) syncs it with one fdatasync, then runs
// every completion. While it syncs, new appends pile up in the queue and share the next sync: the
// slower the disk, the larger the batches, so throughput follows the disk's sync rate times the
// batch size instead of being capped at one record per sync.
//
// A turn runs on the writer thread, or under policy `never` on the thread that queued the records
// (`Journal.commitDeferred()`, an event loop at the end of its round): with no sync to wait for, a
// pwrite costs less than waking the writer thread and being woken back for the completions.
//
// Why one contiguous buffer instead of writev over the payload arrays: Swift arrays only lend stable
// pointers inside nested closures, and a memcpy of a few KiB per record costs far less than the
// system call it replaces.

import Dispatch
import GatewayCore

/// Mutable state of the writer. `@unchecked Sendable` because it lives in `Journal.writer`, a Mutex
/// held for every turn, whichever thread takes it; the journal's shared state (queue, segments,
/// tail) lives in `Journal.shared`, locked inside a turn (order: writer, then shared).
final class JournalWriter: @unchecked Sendable {
    /// At most this many bytes go into one pwrite, bounding the buffer a burst can grow.
    static let maxBatchBytes = 16 << 20

    var file: FileDescriptor
    var number: UInt64
    /// End of the last committed record in the active segment.
    var offset: UInt64
    var nextNumber: UInt64
    /// Written but not yet synced (policies `interval` and `never`).
    var dirty = false
    var lastSync = DispatchTime.now().uptimeNanoseconds
    /// Bytes past `offset` left by a failed write that could not be truncated away.
    var tail = UncertainTail()
    /// The active file is a prepared spare: zeros past `offset` up to the segment size.
    var preallocated = false
    /// While `preallocated`: the segment's bytes from the start of the page holding `offset` up to
    /// `offset`. Each write into a prepared segment starts with them and is padded with zeros to a
    /// page end, so it covers whole pages: the spare's zeros are not in the page cache
    /// (SegmentPreparer), and a partial page would first be read back from disk.
    var pageHead: [UInt8] = []
    /// The next segment's spare was asked for (once a quarter of the active one is used).
    var spareRequested = false
    var dropBehind: DropBehind
    var buffer: [UInt8] = []
    /// This turn runs on the writer thread: its completions go to the committers if they take them.
    var onWriterThread = false
    var lastFailureLog: UInt64 = 0
    var suppressedFailures = 0

    init(file: FileDescriptor, number: UInt64, offset: UInt64, nextNumber: UInt64) {
        self.file = file
        self.number = number
        self.offset = offset
        self.nextNumber = nextNumber
        dropBehind = DropBehind(from: offset)
    }

    enum TurnResult { case committed, idle, closed }

    /// Commits everything queued. The caller holds the writer lock. `byWriterThread`: when nothing
    /// is queued, record that the next append must signal `wakeup`; and once
    /// `handOffCompletions` was called, leave the completions to the committers.
    func turn(_ journal: Journal, byWriterThread: Bool) -> TurnResult {
        let (batch, closed) = journal.shared.withLock { s -> ([Journal.PendingAppend], Bool) in
            if s.queue.isEmpty {
                if s.closed { return ([], true) }
                if byWriterThread { s.writerIdle = true }
                return ([], false)
            }
            let taken = s.queue
            s.queue.removeAll(keepingCapacity: true)
            return (taken, false)
        }
        if closed {
            if dirty { syncQuietly(journal) }
            // So the next start does not scan the spare's zeros (recovery would release them too,
            // after reading up to a segment's worth).
            do { try releasePreallocatedEnd() } catch {
                journal.logger.error("could not release the unused end of the journal segment", [("error", error.description)])
            }
            return .closed
        }
        if batch.isEmpty { return .idle }
        onWriterThread = byWriterThread
        process(batch, journal)
        return .committed
    }

    /// The writer thread: turns until the journal closes, blocking on `wakeup` between them.
    static func run(_ journal: Journal) {
        while true {
            switch journal.writer.withLock({ $0.turn(journal, byWriterThread: true) }) {
            case .closed: return
            case .committed: continue
            case .idle: waitForWork(journal)
            }
        }
    }

    /// Blocks (without the writer lock) until an append signals, or (policy `interval` with
    /// unsynced data) until the next sync is due. A stale semaphore count only causes one extra
    /// empty turn.
    private static func waitForWork(_ journal: Journal) {
        let due = journal.writer.withLock { w -> UInt64? in
            guard w.dirty, case let .interval(seconds) = journal.options.fsync else { return nil }
            return w.lastSync &+ UInt64(max(0, seconds) * 1e9)
        }
        guard let due else {
            journal.wakeup.wait()
            return
        }
        let now = DispatchTime.now().uptimeNanoseconds
        if now >= due || journal.wakeup.wait(timeout: DispatchTime(uptimeNanoseconds: due)) == .timedOut {
            journal.writer.withLock { w in if w.dirty { w.syncQuietly(journal) } }
        }
    }

    /// The bytes a record of `payloadCount` takes in a segment. Takes the count, not the append:
    /// passing an append copied it (a retain and a release of its payload, event and completion).
    private func frameSize(_ payloadCount: Int) -> UInt64 {
        UInt64(RecordFrame.headerSize + payloadCount)
    }

    private func process(_ batch: [Journal.PendingAppend], _ journal: Journal) {
        let segmentSize = UInt64(journal.options.segmentSize)
        var i = 0
        while i < batch.count {
            // A batch never straddles segments: roll over first if the next record does not fit
            // (an oversized record alone in a fresh segment is allowed).
            if offset > SegmentFile.headerSize && offset + frameSize(batch[i].payload.count) > segmentSize {
                do {
                    try rollover(journal)
                } catch {
                    fail(batch[i...], error, journal, what: "journal segment rollover failed")
                    return
                }
            }
            var end = i
            var bytes: UInt64 = 0
            while end < batch.count {
                let n = frameSize(batch[end].payload.count)
                if end > i && (offset + bytes + n > segmentSize || bytes + n > UInt64(JournalWriter.maxBatchBytes)) { break }
                bytes += n
                end += 1
            }
            write(batch[i..<end], journal)
            i = end
        }
    }

    private func write(_ group: ArraySlice<Journal.PendingAppend>, _ journal: Journal) {
        let start = offset
        buffer.removeAll(keepingCapacity: true)
        if preallocated { buffer.append(contentsOf: pageHead) }
        let writeStart = start - UInt64(buffer.count)
        var positions: [JournalPosition] = []
        positions.reserveCapacity(group.count)
        // By index, here and below: `for item in group` copied each append (a retain and a release
        // of its payload, event and completion) once per loop, ~10 per record.
        for i in group.indices {
            positions.append(JournalPosition(segment: number, offset: writeStart + UInt64(buffer.count)))
            RecordFrame.appendHeader(to: &buffer, length: group[i].payload.count, crc: group[i].crc)
            buffer.append(contentsOf: group[i].payload)
        }
        let end = writeStart + UInt64(buffer.count)
        let nextPageHead = preallocated ? padToPage(end: end) : []
        var syncSeconds: Double?
        do throws(StoreError) {
            try tail.settle(file, at: start)
            try file.write(buffer, at: writeStart)
            journal.counters.batches.add(1, ordering: .relaxed)
            journal.counters.bytesWritten.add(Int(end - start), ordering: .relaxed)
            switch journal.options.fsync {
            case .always:
                let syncStart = DispatchTime.now().uptimeNanoseconds
                try file.dataSync()
                journal.counters.syncs.add(1, ordering: .relaxed)
                lastSync = DispatchTime.now().uptimeNanoseconds
                syncSeconds = Double(lastSync &- syncStart) / 1e9
                dirty = false
            case let .interval(seconds):
                dirty = true
                if DispatchTime.now().uptimeNanoseconds &- lastSync >= UInt64(max(0, seconds) * 1e9) { syncQuietly(journal) }
            case .never:
                dirty = true
            }
        } catch {
            tail.rollBack(file, to: start)
            fail(group, error, journal, what: "journal write failed")
            return
        }
        offset = end
        pageHead = nextPageHead
        dropBehind.wrote(upTo: offset, fd: file.fd)
        if let preparer = journal.preparer, !spareRequested, offset > UInt64(journal.options.segmentSize / 4) {
            spareRequested = true
            preparer.prepare(nextNumber)
        }
        let finished = Journal.FinishedBatch(appends: group, result: .success(positions))
        let (listeners, observers, wake) = journal.shared.withLock { s in
            s.segments[s.segments.count - 1].committed = offset
            s.end = JournalPosition(segment: number, offset: offset)
            for (i, position) in zip(group.indices, positions) {
                let next = JournalPosition(segment: number, offset: position.offset + frameSize(group[i].payload.count))
                s.tail.append(JournalEntry(position: position, next: next, payload: group[i].payload, cachedEvent: group[i].cachedEvent))
            }
            return (s.listeners, s.batchObservers, queueForCommitters(finished, &s))
        }
        journal.counters.appends.add(group.count, ordering: .relaxed)
        if let wake { wake() } else { finished.complete() }
        for listener in listeners { listener() }
        for observer in observers { observer(group.count, syncSeconds) }
    }

    /// Pads `buffer` (which starts on a page boundary and ends at `end`) with zeros to a whole
    /// number of pages; returns the bytes of the page holding `end`, the next write's `pageHead`.
    private func padToPage(end: UInt64) -> [UInt8] {
        let page = Int(SegmentPreparer.pageSize)
        let head = Array(buffer[(buffer.count - Int(end % UInt64(page)))...])
        buffer.append(contentsOf: repeatElement(0, count: (page - buffer.count % page) % page))
        return head
    }

    /// Seals the active segment (synced, unless policy `never`) and starts the next one.
    private func rollover(_ journal: Journal) throws(StoreError) {
        try tail.settle(file, at: offset)
        if dirty, journal.syncsWrites {
            try file.dataSync()
            journal.counters.syncs.add(1, ordering: .relaxed)
            dirty = false
        }
        // Recovery and readers take a sealed segment's size as its end: the unused zeros go,
        // durably, before the next segment exists.
        try releasePreallocatedEnd()
        let next: FileDescriptor
        if let spare = journal.preparer?.take(nextNumber) {
            try FileSystem.syncDirectory(journal.directory)
            next = spare
            preallocated = true
            pageHead = SegmentFile.header(nextNumber)
            journal.counters.preparedRollovers.add(1, ordering: .relaxed)
        } else {
            next = try SegmentFile.create(directory: journal.directory, number: nextNumber, durably: journal.syncsWrites)
        }
        journal.counters.rollovers.add(1, ordering: .relaxed)
        spareRequested = false
        dropBehind = DropBehind(from: SegmentFile.headerSize)
        let nextOffset = SegmentFile.headerSize
        journal.shared.withLock { s in
            s.segments.append(SegmentInfo(number: nextNumber, committed: nextOffset))
            s.end = JournalPosition(segment: nextNumber, offset: nextOffset)
        }
        file = next
        number = nextNumber
        offset = nextOffset
        nextNumber += 1
        dirty = false
        journal.logger.debug("journal segment started", [("segment", String(number))])
    }

    /// Cuts a prepared segment back to its last record, durably (at rollover and on close).
    private func releasePreallocatedEnd() throws(StoreError) {
        guard preallocated else { return }
        try file.truncate(to: offset)
        try file.dataSync()
        preallocated = false
    }

    private func syncQuietly(_ journal: Journal) {
        do {
            try file.dataSync()
            journal.counters.syncs.add(1, ordering: .relaxed)
            dirty = false
        } catch {
            journal.logger.error("journal fdatasync failed", [("error", error.description)])
        }
        lastSync = DispatchTime.now().uptimeNanoseconds
    }

    /// Fails every append of `group` with `error`; logs at most once every 10 s while failures
    /// continue (a full disk fails every batch), with the number of failures in between.
    private func fail(_ group: ArraySlice<Journal.PendingAppend>, _ error: StoreError, _ journal: Journal, what: String) {
        journal.counters.failedAppends.add(group.count, ordering: .relaxed)
        let now = DispatchTime.now().uptimeNanoseconds
        if lastFailureLog == 0 || now &- lastFailureLog >= 10_000_000_000 {
            journal.logger.error(what, [
                ("error", error.description), ("segment", String(number)),
                ("failed_appends", String(group.count)), ("suppressed_since_last_log", String(suppressedFailures)),
            ])
            lastFailureLog = now
            suppressedFailures = 0
        } else {
            suppressedFailures += group.count
        }
        let finished = Journal.FinishedBatch(appends: group, result: .failure(error))
        if let wake = journal.shared.withLock({ queueForCommitters(finished, &$0) }) { wake() } else { finished.complete() }
    }

    /// Queues `batch` for the committers and returns their wake-up, when this turn hands its
    /// completions off; nil when the caller runs them itself.
    private func queueForCommitters(_ batch: Journal.FinishedBatch, _ s: inout Journal.Shared) -> (@Sendable () -> Void)? {
        guard onWriterThread, let wake = s.wakeCommitters else { return nil }
        s.finished.append(batch)
        return wake
    }
}
