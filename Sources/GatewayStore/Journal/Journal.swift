// The durable, append-only event journal: numbered segment files under `<storage>/journal/`, one
// writer doing group commit (its thread, or under policy `never` the appending event loop), readers
// that may run on any thread. Nothing is acknowledged (no completion fires with success) before
// the record is as durable as the FsyncPolicy promises.

public import GatewayCore
import Dispatch
import Foundation
import Synchronization

public final class Journal: Sendable {
    public typealias Completion = @Sendable (Result<JournalPosition, StoreError>) -> Void

    struct PendingAppend {
        let payload: [UInt8]
        let crc: UInt32
        let cachedEvent: StoredEvent?
        let completion: Completion
    }

    /// A batch the writer finished: the records' positions, or the error that failed them all.
    /// Its completions run at once, or wait for a committer (see `handOffCompletions`).
    struct FinishedBatch {
        let appends: ArraySlice<PendingAppend>
        let result: Result<[JournalPosition], StoreError>

        func complete() {
            switch result {
            case .success(let positions):
                for (i, position) in zip(appends.indices, positions) { appends[i].completion(.success(position)) }
            case .failure(let error):
                for i in appends.indices { appends[i].completion(.failure(error)) }
            }
        }
    }

    struct Shared {
        /// Records the writer may take.
        var queue: [PendingAppend] = []
        /// Records appended with `deferCommit: true` whose round has not ended: `commitDeferred()`
        /// moves them to `queue`. A writer that finishes a sync while an event loop is in the middle
        /// of a round would otherwise take the half round queued so far (in W1 under `always`, one
        /// batch in ten held a single record) and leave the other half for the next sync.
        var held: [PendingAppend] = []
        /// When the oldest record in `held` was appended (uptime nanoseconds).
        var heldSince: UInt64 = 0
        /// The writer is (about to be) blocked on `wakeup`: the next append must signal it.
        var writerIdle = false
        var closed = false
        /// Sorted by number; the last one is the segment being appended to.
        var segments: [SegmentInfo] = []
        var end: JournalPosition
        var listeners: [@Sendable () -> Void] = []
        var batchObservers: [BatchObserver] = []
        var tail: JournalTail
        /// Set by `handOffCompletions`: the writer thread queues finished batches in `finished`
        /// and calls this instead of running their completions itself.
        var wakeCommitters: (@Sendable () -> Void)?
        var finished: [FinishedBatch] = []
    }

    /// Told after every committed batch: how many records it held, and how long its fdatasync took
    /// (nil when the policy did not sync that batch). For metrics; runs inside the commit turn.
    public typealias BatchObserver = @Sendable (_ records: Int, _ syncSeconds: Double?) -> Void

    let directory: String
    let options: JournalOptions
    let logger: Logger
    let shared: Mutex<Shared>
    /// Held for each commit turn, by the writer thread or by `commitDeferred()`.
    let writer: Mutex<JournalWriter>
    /// Zero-filled spare segments, for the policies that sync (nil under `never`).
    let preparer: SegmentPreparer?
    let wakeup = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    let counters = JournalCounters()
    /// Read descriptors, opened on demand (the writer keeps its own for the active segment).
    let files: SegmentFileCache
    /// Corrupt ranges already logged, so a reader passing the same damage again stays quiet.
    let reportedCorruption = Mutex<Set<JournalPosition>>([])

    /// Opens (creating if needed) the journal in `<storageDirectory>/journal/` and recovers it: the
    /// last segment is scanned fully and a torn tail (short or CRC-bad last record, or garbage) is
    /// truncated; corrupt records found in the middle are logged with segment and offset and skipped
    /// when read. Older segments are checked lazily as they are read. Starts the writer thread:
    /// call `close()` to stop it.
    public init(directory storageDirectory: String, options: JournalOptions = JournalOptions(), logger: Logger) throws(StoreError) {
        guard options.segmentSize > Int(SegmentFile.headerSize) + RecordFrame.headerSize else {
            throw StoreError.invalid("journal segment size \(options.segmentSize) is too small")
        }
        let directory = StorageLayout.journalDirectory(storageDirectory)
        self.directory = directory
        self.options = options
        self.logger = logger.with("component", "journal")
        let recovered = try JournalRecovery.open(directory: directory, logger: self.logger)
        let last = recovered.segments[recovered.segments.count - 1]
        shared = Mutex(Shared(segments: recovered.segments, end: JournalPosition(segment: last.number, offset: last.committed),
                             tail: JournalTail(maxEntries: options.tailEntries, maxBytes: options.tailBytes)))
        files = SegmentFileCache(directory: directory)
        preparer = options.fsync == .never ? nil : SegmentPreparer(directory: directory, segmentSize: options.segmentSize, logger: self.logger)
        writer = Mutex(JournalWriter(
            file: recovered.active, number: last.number, offset: last.committed, nextNumber: recovered.nextNumber))
        let thread = Thread { [self] in
            JournalWriter.run(self)
            finished.signal()
        }
        thread.name = "journal-writer"
        thread.start()
    }

    /// Queues `payload` (non-empty) for the next group commit. `completion` runs once the record
    /// is durable per the FsyncPolicy, with the record's position, or with the error that failed
    /// its batch (`.full` when the disk is full; the journal stays usable and retries with the next
    /// append). It runs on the writer thread, or on a thread calling `commitDeferred()` (which
    /// writes the batch itself under policy `never`, and runs the writer's finished batches once
    /// `handOffCompletions` was called). Keep completions cheap: they delay the next batch. Never
    /// call `close()`, `commitDeferred()` or anything taking the writer lock from a completion or
    /// commit listener: they may run inside a commit turn, holding that lock.
    ///
    /// `event` is what `payload` encodes: the journal keeps it (without its raw request) in its
    /// memory tail, so readers close behind the end skip reading and decoding the record. An event
    /// built without its request (`encoded(requestHeaders:requestBody:)` wrote it) is kept as is.
    ///
    /// With `deferCommit: true` the record is held, not even a busy writer takes it, until the
    /// caller calls `commitDeferred()`, as it promises to do soon (an event loop does, once per round
    /// of requests): the round is then one batch instead of one wake-up of the writer per record.
    public func append(_ payload: [UInt8], event: StoredEvent? = nil, deferCommit: Bool = false, completion: @escaping Completion) {
        guard !payload.isEmpty, payload.count <= RecordFrame.maxPayload else {
            completion(.failure(.invalid("journal payload of \(payload.count) bytes (must be 1...\(RecordFrame.maxPayload))")))
            return
        }
        // The checksum is computed here, on the caller's thread, so event-loop threads share the
        // work instead of serialising it on the writer.
        let item = PendingAppend(payload: payload, crc: CRC32C.checksum(payload), cachedEvent: event?.withoutRequest, completion: completion)
        // Two evictions per append keep the tail within its bounds plus what is in flight. The
        // evicted entries live in `evicted` until after the lock: they are released on the
        // appending thread, outside it (JournalTail).
        var evicted: (JournalEntry?, JournalEntry?) = (nil, nil)
        let (accepted, signal) = shared.withLock { s -> (Bool, Bool) in
            evicted = (s.tail.evictOldest(), s.tail.evictOldest())
            if s.closed { return (false, false) }
            if deferCommit {
                if s.held.isEmpty { s.heldSince = DispatchTime.now().uptimeNanoseconds }
                s.held.append(item)
                return (true, false)
            }
            s.queue.append(item)
            guard s.writerIdle else { return (true, false) }
            s.writerIdle = false
            return (true, true)
        }
        withExtendedLifetime(evicted) {}
        guard accepted else {
            completion(.failure(.closed))
            return
        }
        if signal { wakeup.signal() }
    }

    /// Commits the records held since their `deferCommit: true` appends. Under policy `never` the
    /// calling thread writes them itself and their completions have run when this returns; a sync
    /// must never block the caller (an event loop), so the other policies wake the writer thread.
    /// Also runs the completions of the batches the writer thread finished since the last call,
    /// once `handOffCompletions` was called.
    ///
    /// `moreComing`: the caller has more to append at once (an event loop whose sockets are still
    /// ready). Under the policies that sync, the records then stay held until a call without it
    /// (the loop is about to wait) or until they have waited `maxHoldSeconds`: a burst becomes one
    /// sync instead of two or three. Each sync costs the CPU far more than its system call (W1 on
    /// this kind of virtual machine: a data write, often an inode write and a cache flush, each a
    /// trap to the hypervisor and an interrupt), so under load fewer, fuller batches serve more
    /// webhooks per second; without load the caller waits at once and nothing is delayed.
    public func commitDeferred(moreComing: Bool = false) {
        let (signal, done) = shared.withLock { s -> (Bool, [FinishedBatch]) in
            let hold = moreComing && syncsWrites && !s.held.isEmpty
                && DispatchTime.now().uptimeNanoseconds &- s.heldSince < UInt64(options.maxHoldSeconds * 1e9)
            if !hold { s.releaseHeld() }
            let done = s.takeFinished()
            guard syncsWrites, s.writerIdle, !s.queue.isEmpty else { return (false, done) }
            s.writerIdle = false
            return (true, done)
        }
        if signal { wakeup.signal() }
        for batch in done { batch.complete() }
        if !syncsWrites { writer.withLock { _ = $0.turn(self, byWriterThread: false) } }
    }

    /// From now on the writer thread does not run completions: it queues each finished batch and
    /// calls `wake`, which must make a thread call `commitDeferred()` soon (the event loops: their
    /// next round ends with that call), and that thread runs them. Why: a completion allocates
    /// (the webhook's answer) what its event loop frees, and frees what the loop allocated; done
    /// on the writer thread, those objects crossed threads through glibc's shared bins, which
    /// starved the loop's own malloc cache and cost the loop its fast path. `close()` runs what
    /// is still queued. Call once, before the first append.
    public func handOffCompletions(wake: @escaping @Sendable () -> Void) {
        shared.withLock { $0.wakeCommitters = wake }
    }

    /// The position right after the last committed record: where the next record will start
    /// (possibly in the next segment after a rollover).
    public var end: JournalPosition { shared.withLock { $0.end } }

    /// Registers `listener`, called inside the commit turn after every committed batch (delivery wakes
    /// its dispatchers from here). Must not block.
    public func onBatch(_ observer: @escaping BatchObserver) {
        shared.withLock { $0.batchObservers.append(observer) }
    }

    public func onCommit(_ listener: @escaping @Sendable () -> Void) {
        shared.withLock { $0.listeners.append(listener) }
    }

    public var statistics: JournalStatistics { counters.snapshot() }

    /// Whether appends are synced at all (every policy but `never`): stores whose state follows the
    /// journal's (sink cursors) sync only when it does.
    public var syncsWrites: Bool { options.fsync != .never }

    /// Segment numbers currently on disk, oldest first (ops and tests).
    public var segmentNumbers: [UInt64] { shared.withLock { $0.segments.map(\.number) } }

    /// Deletes every sealed segment whose records all lie before `position` (every sink's cursor
    /// is past it) and whose last append is older than `olderThan` (now minus retention). The
    /// segment being appended to is never removed. Returns how many segments were deleted.
    @discardableResult
    public func removeSegments(fullyBefore position: JournalPosition, olderThan: Timestamp) -> Int {
        let candidates = shared.withLock { s in s.segments.dropLast().filter { $0.number < position.segment } }
        var removed: [UInt64] = []
        for segment in candidates {
            let path = SegmentFile.path(segment.number, in: directory)
            do {
                guard try FileSystem.status(path).modified < olderThan.nanoseconds else { continue }
                try FileSystem.remove(path)
                files.evict(segment.number)
                removed.append(segment.number)
            } catch {
                logger.error("could not remove journal segment", [("segment", String(segment.number)), ("error", error.description)])
            }
        }
        guard !removed.isEmpty else { return 0 }
        shared.withLock { s in
            s.segments.removeAll { removed.contains($0.number) }
            s.tail.removeAll()
        }
        try? FileSystem.syncDirectory(directory)
        logger.info("removed journal segments past retention", [("segments", removed.map(String.init).joined(separator: ","))])
        return removed.count
    }

    /// Stops accepting appends, lets the writer commit everything already queued (and sync, for
    /// every policy), then stops the writer thread and returns. Later calls return at once.
    public func close() {
        let first = shared.withLock { s -> Bool in
            if s.closed { return false }
            s.closed = true
            s.releaseHeld()
            return true
        }
        guard first else { return }
        wakeup.signal()
        finished.wait()
        preparer?.close()
        // Batches finished after the committers' last call (the event loops have stopped).
        for batch in shared.withLock({ $0.takeFinished() }) { batch.complete() }
    }
}

extension Journal.Shared {
    /// The batches waiting for a committer; none are left behind.
    mutating func takeFinished() -> [Journal.FinishedBatch] {
        guard !finished.isEmpty else { return [] }
        var taken: [Journal.FinishedBatch] = []
        swap(&taken, &finished)
        return taken
    }

    /// Moves the held records of ended rounds behind those already queued.
    mutating func releaseHeld() {
        if queue.isEmpty {
            swap(&queue, &held)
        } else {
            queue.append(contentsOf: held)
            held.removeAll(keepingCapacity: true)
        }
    }
}
