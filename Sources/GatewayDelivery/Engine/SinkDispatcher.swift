// Runs one sink: a coordinator thread that loads journal records into the delivery window and
// makes progress durable, plus `concurrency` worker threads that deliver. Everything it knows is
// in its own SinkStateStore, so a slow or failing sink never touches another sink's state or the
// ingress path (which only appends to the journal and rings the doorbell).

import Dispatch
import Foundation
import GatewayCore
import GatewayStore
import Synchronization

final class SinkDispatcher: Sendable {
    struct Options: Sendable {
        /// Undelivered events held in memory per sink, and about how many envelope bytes.
        var window: Int
        var windowBytes: Int
        /// How long acknowledgements may gather before the cursor is written (one fdatasync).
        var flushInterval: Double
    }

    struct Shared {
        var queue: DeliveryQueue
        /// Where the next journal read for the stream starts.
        var readPosition: JournalPosition
        /// Requeued positions (replays, dead letters sent back) not loaded yet, sorted.
        var requeueBacklog: [JournalPosition]
        /// Stream positions handled elsewhere: dead-lettered (even if since dropped or sent back) or
        /// requeued beyond the cursor.
        var skipInStream: Set<JournalPosition>
        /// Persisted retry states waiting for their record to be loaded.
        var retryStates: [JournalPosition: RetryState]
        var pendingChanges: [SinkStateChange] = []
        var lastFlush: Timestamp
        var cursor: JournalPosition
        var paused: PauseState?
        var running = false
        var stopping = false
        var attempts = AttemptCounts()

        // Both collections below are empty unless something was requeued, dead-lettered ahead of
        // the stream or left retrying by an earlier run, yet removing from an empty Set or
        // Dictionary still hashes the key: ~500 instructions per loaded event under W1.

        /// Whether the stream record at `position` is handled elsewhere (and no longer will be).
        mutating func takeSkip(_ position: JournalPosition) -> Bool {
            !skipInStream.isEmpty && skipInStream.remove(position) != nil
        }

        /// The persisted retry state of the record at `position`, handed over once.
        mutating func takeRetryState(_ position: JournalPosition) -> RetryState? {
            retryStates.isEmpty ? nil : retryStates.removeValue(forKey: position)
        }
    }

    let configured: ConfiguredSink
    let journal: Journal
    let store: SinkStateStore
    let logger: Logger
    let metricChildren: DeliveryMetrics.SinkChildren
    let clock: any DeliveryClock
    let options: Options
    /// Handed over, like `store`, to the dispatcher that takes the sink over on a reload.
    let history: AttemptHistory
    let doorbell = Doorbell()
    let shared: Mutex<Shared>
    private let workers = DispatchGroup()
    private let coordinator = DispatchGroup()

    var name: String { configured.name }

    /// Opens (creating if needed) the durable state of sink `name`. A sink without a cursor, seen
    /// for the first time, starts at the journal's end (history is available through replay),
    /// whether it comes with the gateway's start or with a reload. The start is made durable now:
    /// otherwise a crash before the first acknowledgement would restart it at a later end and
    /// skip what arrived in between. A sink with state resumes from its cursor, also one that was
    /// removed from the configuration for a while.
    static func openState(sink name: String, journal: Journal, storageDirectory: String,
                          logger: Logger) throws(StoreError) -> SinkStateStore {
        let store = try SinkStateStore(directory: storageDirectory, sink: name, syncsUpdates: journal.syncsWrites, logger: logger)
        if store.cursor == nil { try store.setCursor(journal.end) }
        return store
    }

    /// Runs `configured` over `store` (from `openState`, or the one a stopped dispatcher of the same
    /// sink left open), from its cursor, with its retries, dead letters and pause; attempts go to
    /// `history` (a new one, or the one of the dispatcher it replaces).
    init(configured: ConfiguredSink, journal: Journal, store: SinkStateStore, history: AttemptHistory, logger: Logger,
         metrics: DeliveryMetrics, clock: any DeliveryClock, options: Options) {
        self.configured = configured
        self.journal = journal
        self.store = store
        self.logger = logger.with("sink", configured.name)
        metricChildren = metrics.children(sink: configured.name)
        self.clock = clock
        self.options = options
        self.history = history
        let state = store.state
        let cursor = state.cursor ?? journal.end
        var skip = Set(state.deadLetters.map(\.position).filter { $0 >= cursor })
        skip.formUnion(state.requeued.filter { $0 >= cursor })
        skip.formUnion(state.skipped)
        var stale: [SinkStateChange] = []
        let requeued = Set(state.requeued)
        for position in state.retries.keys where position < cursor && !requeued.contains(position) {
            stale.append(.clearRetry(position))
        }
        let ordering: DeliveryQueue.Ordering = configured.ordering == .perSession ? .perSession : .none
        shared = Mutex(Shared(
            queue: DeliveryQueue(ordering: ordering), readPosition: cursor, requeueBacklog: state.requeued.sorted(),
            skipInStream: skip, retryStates: state.retries, pendingChanges: stale, lastFlush: clock.now(),
            cursor: cursor, paused: state.paused))
    }

    // MARK: lifecycle

    func start() {
        let first = shared.withLock { s -> Bool in
            guard !s.running, !s.stopping else { return false }
            s.running = true
            return true
        }
        guard first else { return }
        if let paused = shared.withLock({ $0.paused }) {
            logger.warning("sink is paused and delivers nothing until resumed", [("reason", paused.reason)])
        }
        for i in 0..<configured.concurrency {
            workers.enter()
            spawn("delivery-\(name)-\(i)") { [self] in
                workerLoop()
                workers.leave()
            }
        }
        coordinator.enter()
        spawn("delivery-\(name)") { [self] in
            coordinatorLoop()
            coordinator.leave()
        }
    }

    /// Lets in-flight deliveries finish, writes the final cursor, closes the sink and its state.
    /// `persist: false` leaves the last acknowledgements unwritten, which is what a crash does
    /// (tests use it to prove such events are delivered again). `closingState: false` leaves the
    /// state open for the dispatcher that takes the sink over with new settings.
    func stop(persist: Bool = true, closingState: Bool = true) {
        shared.withLock {
            $0.running = false
            $0.stopping = true
        }
        doorbell.ring()
        workers.wait()
        coordinator.wait()
        if persist {
            advanceCursor()
            // Recorded as skips, so whoever continues from the cursor (a restart, or a reload
            // changing this sink's settings) does not deliver them again.
            shared.withLock { s in
                s.pendingChanges += s.queue.finishedPastCursor(s.cursor).map { .skip($0) }
            }
            flush(force: true)
        }
        configured.sink.close()
        if closingState { store.close() }
    }

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        // Only when the journal does not sync: then the event loops are the busy ones and commit
        // their own rounds. When it syncs, the loops wait on the disk and what must run the moment
        // a sync returns is the journal writer's completions (the answers): a batch thread running
        // then keeps the CPU for its slice. `FSYNC=always DURATION=10s bench/ab.sh 6`, without
        // and with batch threads: worse in all six pairs, 24.4k -> 21.6k req/s.
        let background = !journal.syncsWrites
        let thread = Thread {
            if background { BackgroundScheduling.applyToCurrentThread() }
            body()
        }
        thread.name = name
        thread.start()
    }

    // MARK: coordinator

    private func coordinatorLoop() {
        while true {
            let generation = doorbell.current
            guard shared.withLock({ $0.running }) else { return }
            advanceCursor()
            flush(force: false)
            let loaded = load()
            if loaded { doorbell.ring() }
            let (pendingWrites, paused, room, readPosition) = shared.withLock {
                (!$0.pendingChanges.isEmpty, $0.paused != nil, hasRoom($0.queue), $0.readPosition)
            }
            if !paused, room, readPosition < journal.end, loaded { continue }
            doorbell.wait(since: generation, timeout: pendingWrites ? options.flushInterval : 1)
        }
    }

    private func hasRoom(_ queue: DeliveryQueue) -> Bool {
        queue.loaded == 0 || (queue.loaded < options.window && queue.loadedBytes < options.windowBytes)
    }

    /// Loads requeued records and then new stream records, up to the window. Journal reads run
    /// outside the lock (only this thread moves `readPosition` or drains the backlog).
    private func load() -> Bool {
        let (paused, room, roomBytes, backlog, readPosition) = shared.withLock { s in
            (s.paused != nil, hasRoom(s.queue) ? max(1, options.window - s.queue.loaded) : 0,
             max(1, options.windowBytes - s.queue.loadedBytes),
             Array(s.requeueBacklog.prefix(max(0, options.window - s.queue.loaded))), s.readPosition)
        }
        guard !paused, room > 0 else { return false }
        var loadedAny = false
        if !backlog.isEmpty {
            var events: [(JournalPosition, StoredEvent?)] = []
            for position in backlog {
                do {
                    if let entry = try journal.read(at: position) {
                        events.append((position, try StoredEvent(decoding: entry.payload, includingRequest: false)))
                    } else {
                        logger.warning("requeued event is no longer in the journal (past retention)", [("position", position.description)])
                        events.append((position, nil))
                    }
                } catch {
                    logger.error("requeued event cannot be read", [("position", position.description), ("error", "\(error)")])
                    events.append((position, nil))
                }
            }
            let now = clock.now()
            shared.withLock { s in
                // By value, not by count: a replay may have merged new positions in meanwhile.
                let taken = Set(backlog)
                s.requeueBacklog.removeAll { taken.contains($0) }
                for (position, event) in events {
                    if let event {
                        s.queue.appendRequeue(position: position, event: event, retry: s.takeRetryState(position), now: now)
                    } else {
                        s.pendingChanges.append(.removeRequeued(position))
                    }
                }
            }
            loadedAny = true
        }
        let streamRoom = room - backlog.count
        guard streamRoom > 0 else { return loadedAny }
        let entries: [JournalEntry]
        do {
            // Records are a little larger than the envelopes the window counts: bounding the read
            // by the window's free bytes never reads much more than will be kept.
            entries = try journal.read(from: readPosition, limit: streamRoom, maxBytes: roomBytes)
        } catch {
            logger.error("cannot read the journal", [("position", readPosition.description), ("error", error.description)])
            return loadedAny
        }
        guard !entries.isEmpty else { return loadedAny }
        var decoded: [(JournalEntry, Result<StoredEvent, StoreError>)] = []
        decoded.reserveCapacity(entries.count)
        for entry in entries {
            if let cached = entry.cachedEvent {
                decoded.append((entry, .success(cached)))
                continue
            }
            do throws(StoreError) {
                decoded.append((entry, .success(try StoredEvent(decoding: entry.payload, includingRequest: false))))
            } catch {
                decoded.append((entry, .failure(error)))
            }
        }
        let now = clock.now()
        shared.withLock { s in
            // Entries past the byte bound stay unread: `readPosition` stops after the last one taken.
            var next = readPosition
            for (entry, result) in decoded {
                if s.queue.loaded > 0 && s.queue.loadedBytes >= options.windowBytes { break }
                next = entry.next
                switch result {
                case .success(let event):
                    if s.takeSkip(entry.position) || !configured.filter.matches(event) {
                        s.queue.appendStream(position: entry.position, next: entry.next, event: nil, now: now)
                    } else {
                        s.queue.appendStream(position: entry.position, next: entry.next, event: event,
                                             retry: s.takeRetryState(entry.position), now: now)
                    }
                case .failure(let error):
                    // Undeliverable as stored: keep it visible as a dead letter instead of losing it.
                    logger.error("journal record cannot be decoded; dead-lettered", [("position", entry.position.description), ("error", error.description)])
                    s.pendingChanges.append(.deadLetter(DeadLetter(position: entry.position, eventID: "", attempts: 0,
                                                                   lastError: "undecodable journal record: \(error)", time: now)))
                    s.queue.appendStream(position: entry.position, next: entry.next, event: nil, now: now)
                }
            }
            s.readPosition = next
        }
        return true
    }

    private func advanceCursor() {
        shared.withLock { s in
            guard let cursor = s.queue.advanceCursor(), cursor > s.cursor else { return }
            s.cursor = cursor
            s.pendingChanges.removeAll { if case .cursor = $0 { return true } else { return false } }
            s.pendingChanges.append(.cursor(cursor))
        }
    }

    /// Writes gathered changes in one durable update; on failure they are kept for the next try
    /// (until then a crash only means redelivery, never loss).
    private func flush(force: Bool) {
        let now = clock.now()
        let changes = shared.withLock { s -> [SinkStateChange] in
            guard !s.pendingChanges.isEmpty, force || now.seconds(since: s.lastFlush) >= options.flushInterval else { return [] }
            let c = s.pendingChanges
            s.pendingChanges.removeAll()
            s.lastFlush = now
            return c
        }
        guard !changes.isEmpty else { return }
        do {
            try store.update(changes)
        } catch {
            logger.error("cannot write sink state; will retry", [("error", error.description)])
            shared.withLock { $0.pendingChanges.insert(contentsOf: changes, at: 0) }
        }
    }

    // MARK: workers

    private func workerLoop() {
        let limit = max(1, configured.sink.batchLimit)
        while true {
            let generation = doorbell.current
            let now = clock.now()
            let (items, running, due) = shared.withLock { s -> ([DeliveryQueue.Item], Bool, Timestamp?) in
                guard s.running else { return ([], false, nil) }
                guard s.paused == nil else { return ([], true, nil) }
                let items = s.queue.take(now: now, limit: limit)
                return (items, true, items.isEmpty ? s.queue.nextDue() : nil)
            }
            guard running else { return }
            if !items.isEmpty {
                attempt(items)
                doorbell.ring()
                continue
            }
            let wait = due.map { max(0.001, $0.seconds(since: now)) } ?? 1
            doorbell.wait(since: generation, timeout: min(wait, 1))
        }
    }

    /// One delivery call for `items` (one event, or a batch for sinks that take several), then each
    /// event's outcome: the delivered ones are finished together, the others one by one. The
    /// loops go by index: iterating the items would copy each one (a retain and release) per loop.
    private func attempt(_ items: [DeliveryQueue.Item]) {
        let started = clock.now()
        let outcomes = configured.sink.deliver(batch: items.map(\.event))
        precondition(outcomes.count == items.count, "sink \(name) returned \(outcomes.count) outcomes for \(items.count) events")
        let now = clock.now()
        let seconds = max(0, now.seconds(since: started))
        var delivered: [UInt64] = []
        delivered.reserveCapacity(items.count)
        for i in items.indices {
            metricChildren.attempts(outcomes[i]).increment()
            metricChildren.duration.observe(seconds)
            if outcomes[i].isDelivered { delivered.append(items[i].id) }
        }
        // Before the outcomes take effect: whoever sees the event done or dead-lettered finds its
        // attempts too.
        record(items, outcomes, started: started, seconds: seconds)
        shared.withLock { s in
            s.queue.finish(delivered)
            for i in items.indices {
                s.attempts.count(outcomes[i])
                guard outcomes[i].isDelivered else { continue }
                if items[i].hasDurableRetry { s.pendingChanges.append(.clearRetry(items[i].position)) }
                if items[i].isRequeue { s.pendingChanges.append(.removeRequeued(items[i].position)) }
            }
        }
        for i in items.indices where outcomes[i].isDelivered && items[i].attempts > 0 {
            logger.info("delivered after retries", [("event", items[i].event.id), ("attempts", String(items[i].attempts + 1))])
        }
        for i in items.indices where !outcomes[i].isDelivered {
            handleFailure(items[i], outcomes[i], started: started, now: now)
        }
    }

    /// Adds the failed attempts, and the successes that end a series of failures, to the history;
    /// a first-time success costs only the test.
    private func record(_ items: [DeliveryQueue.Item], _ outcomes: [DeliveryOutcome], started: Timestamp, seconds: Double) {
        var records: [AttemptRecord] = []
        for i in items.indices where items[i].attempts > 0 || !outcomes[i].isDelivered {
            records.append(AttemptRecord(eventID: items[i].event.id, position: items[i].position, attempt: items[i].attempts + 1,
                                         startedAt: started, duration: seconds, outcome: outcomes[i]))
        }
        if !records.isEmpty { history.record(records) }
    }

    private func handleFailure(_ item: DeliveryQueue.Item, _ outcome: DeliveryOutcome, started: Timestamp, now: Timestamp) {
        let attempts = item.attempts + 1
        let firstAttemptAt = item.firstAttemptAt ?? started
        switch outcome {
        case .delivered:
            preconditionFailure("delivered outcomes are finished by attempt")
        case .retry(let reason, let after):
            guard let delay = configured.retry.delay(afterAttempt: attempts, firstAttemptAt: firstAttemptAt, now: now, retryAfter: after) else {
                deadLetter(item, attempts: attempts, status: outcome.httpStatus, reason: "gave up after \(attempts) attempts: \(reason)", now: now)
                return
            }
            let next = now.adding(seconds: delay)
            var durable = true
            do {
                try store.setRetry(RetryState(position: item.position, eventID: item.event.id, attempts: attempts,
                                              firstAttemptAt: firstAttemptAt, nextAttemptAt: next,
                                              lastStatus: outcome.httpStatus, lastError: reason))
            } catch {
                durable = false
                logger.error("cannot write retry state", [("error", error.description)])
            }
            shared.withLock { $0.queue.reschedule(item.id, attempts: attempts, firstAttemptAt: firstAttemptAt, at: next, durable: durable) }
            logger.warning("delivery failed; will retry", [
                ("event", item.event.id), ("attempt", String(attempts)), ("reason", reason),
                ("retry_in", String(format: "%.3fs", delay)),
            ])
        case .permanent(let reason):
            deadLetter(item, attempts: attempts, status: outcome.httpStatus, reason: reason, now: now)
        case .gone(let reason):
            let pause = PauseState(reason: "receiver answered \(reason); fix it, then resume the sink", since: now)
            do {
                try store.update([.pause(pause)])
            } catch {
                logger.error("cannot persist the pause", [("error", error.description)])
            }
            shared.withLock { s in
                s.paused = pause
                s.queue.reschedule(item.id, attempts: attempts, firstAttemptAt: firstAttemptAt, at: now, durable: item.hasDurableRetry)
            }
            logger.error("SINK PAUSED: the receiver says the endpoint is gone; nothing is delivered to this sink until it is resumed",
                         [("event", item.event.id), ("reason", reason)])
        }
    }

    private func deadLetter(_ item: DeliveryQueue.Item, attempts: Int, status: Int?, reason: String, now: Timestamp) {
        var changes: [SinkStateChange] = [
            .clearRetry(item.position),
            .deadLetter(DeadLetter(position: item.position, eventID: item.event.id, attempts: attempts,
                                   lastStatus: status, lastError: reason, time: now)),
        ]
        if item.isRequeue { changes.append(.removeRequeued(item.position)) }
        do {
            try store.update(changes)
        } catch {
            // Not recorded, so not done: try the event again later rather than lose it.
            logger.error("cannot write dead letter; will try the event again", [("event", item.event.id), ("error", error.description)])
            shared.withLock { $0.queue.reschedule(item.id, attempts: item.attempts, firstAttemptAt: item.firstAttemptAt ?? now, at: now.adding(seconds: 5), durable: item.hasDurableRetry) }
            return
        }
        metricChildren.deadLettered.increment()
        shared.withLock { $0.queue.finish(item.id) }
        logger.warning("event dead-lettered", [("event", item.event.id), ("attempts", String(attempts)), ("reason", reason)])
    }
}
