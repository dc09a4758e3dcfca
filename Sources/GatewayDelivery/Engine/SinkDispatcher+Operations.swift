// Operator actions on a running sink (admin API): status, pause/resume, replay, dead letters.
// Each change is made durable in the sink's state before it takes effect in memory.

import GatewayCore
import GatewayStore

extension SinkDispatcher {
    func status() -> SinkStatus {
        let now = clock.now()
        let deadLetters = store.deadLetters.count
        let end = journal.end
        return shared.withLock { s in
            var oldest: Timestamp?
            var running = 0, retrying = 0
            for item in s.queue.undelivered {
                if oldest == nil || item.event.receivedAt < oldest! { oldest = item.event.receivedAt }
                if item.state == .running { running += 1 } else if item.attempts > 0 { retrying += 1 }
            }
            return SinkStatus(
                name: name, queueDepth: s.queue.loaded + s.requeueBacklog.count, inFlight: running, retrying: retrying,
                oldestUndeliveredAge: oldest.map { max(0, now.seconds(since: $0)) },
                behindJournal: s.readPosition < end || !s.requeueBacklog.isEmpty,
                paused: s.paused, deadLetters: deadLetters, attempts: s.attempts.byLabel, cursor: s.cursor)
        }
    }

    /// Where the record at `position`, holding `event`, stands. The in-memory cursor runs up to a
    /// flush interval ahead of the durable one, so it decides; it is read before the state because
    /// whatever it has passed is in the store by then (a dead letter is written before its event
    /// finishes). Past the cursor, the loaded stream knows what is already delivered (other
    /// sessions' events behind one that is retrying), and the filter what never will be: nil when
    /// it does not take the event.
    func state(of position: JournalPosition, event: StoredEvent) -> SinkState.RecordState? {
        let (acknowledged, finished) = shared.withLock { s in
            (s.cursor, position >= s.cursor && s.queue.finishedPastCursor(s.cursor).contains(position))
        }
        var state = store.state
        state.cursor = max(acknowledged, state.cursor ?? acknowledged)
        let stored = state.state(of: position)
        // A dead letter, or a record queued again by an operator, is what it says.
        if case .deadLetter = stored { return stored }
        if state.requeued.contains(position) { return stored }
        if !configured.filter.matches(event) { return nil }
        return stored == .pending && finished ? .done : stored
    }

    func oldestNeeded() -> JournalPosition? {
        let requeued = store.state.requeued.min()
        let cursor = shared.withLock { $0.cursor }
        return requeued.map { min($0, cursor) } ?? cursor
    }

    func pause(reason: String) throws(StoreError) {
        let state = PauseState(reason: reason, since: clock.now())
        try store.update([.pause(state)])
        shared.withLock { $0.paused = state }
        logger.warning("sink paused", [("reason", reason)])
    }

    func resume() throws(StoreError) {
        try store.update([.resume])
        shared.withLock { $0.paused = nil }
        logger.info("sink resumed")
        doorbell.ring()
    }

    /// Makes every retry waiting for its time due now, loaded or not (its durable schedule stays:
    /// after a restart it waits as before). Returns how many.
    func retryNow() -> Int {
        let now = clock.now()
        let count = shared.withLock { s in
            var count = s.queue.makeRetriesDue(now: now)
            for (position, retry) in s.retryStates where retry.nextAttemptAt > now {
                s.retryStates[position]?.nextAttemptAt = now
                count += 1
            }
            return count
        }
        if count > 0 { doorbell.ring() }
        return count
    }

    /// The journal records the stream has already passed that match both the sink's filter and
    /// `filter`: what a replay requeues (records not yet passed are delivered anyway). Reads the
    /// journal from its oldest segment.
    func replayCandidates(_ filter: ReplayFilter) throws(StoreError) -> [JournalPosition] {
        let limit = shared.withLock { $0.readPosition }
        return try Self.matchingPositions(in: journal, before: limit, sinkFilter: configured.filter, filter: filter)
    }

    /// Requeues `positions` (from `replayCandidates`) but those loaded or queued already; returns
    /// how many.
    func requeue(_ candidates: [JournalPosition]) throws(StoreError) -> Int {
        let positions = shared.withLock { s in
            let queued = Set(s.requeueBacklog)
            return candidates.filter { !s.queue.isActive($0) && !queued.contains($0) }
        }
        guard !positions.isEmpty else { return 0 }
        try store.update(positions.map { .requeue($0) })
        enqueue(positions)
        logger.info("replay requeued events", [("count", String(positions.count))])
        return positions.count
    }

    func deadLetters() -> [DeadLetter] { store.deadLetters }

    /// Sends the chosen dead letters (all when `ids` is nil) back to the queue; returns them.
    func retryDeadLetters(ids: Set<UInt64>?) throws(StoreError) -> [DeadLetter] {
        let letters = try store.removeDeadLetters(requeue: true) { ids?.contains($0.sequence) ?? true }
        enqueue(letters.map(\.position))
        return letters
    }

    func dropDeadLetters(ids: Set<UInt64>?) throws(StoreError) -> [DeadLetter] {
        try store.removeDeadLetters(requeue: false) { ids?.contains($0.sequence) ?? true }
    }

    private func enqueue(_ positions: [JournalPosition]) {
        shared.withLock { s in
            for p in positions where p >= s.readPosition { s.skipInStream.insert(p) }
            var merged = Set(s.requeueBacklog)
            merged.formUnion(positions)
            s.requeueBacklog = merged.sorted()
        }
        doorbell.ring()
    }

    /// Positions of records before `limit` that match both filters, scanning the journal from
    /// its oldest segment (replay is rare and operator-driven; the journal has no time index).
    static func matchingPositions(in journal: Journal, before limit: JournalPosition?, sinkFilter: EventFilter,
                                  filter: ReplayFilter) throws(StoreError) -> [JournalPosition] {
        var out: [JournalPosition] = []
        var position = JournalPosition(segment: 0, offset: 0)
        scanning: while true {
            let entries = try journal.read(from: position, limit: 512)
            guard let last = entries.last else { break }
            for entry in entries {
                if let limit, entry.position >= limit { break scanning }
                // An undecodable record was dead-lettered when first read; a replay cannot fix it.
                guard let event = try? StoredEvent(decoding: entry.payload) else { continue }
                if sinkFilter.matches(event), filter.matches(event) { out.append(entry.position) }
            }
            position = last.next
        }
        return out
    }
}
