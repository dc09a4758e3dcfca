// The event ids seen recently (each deterministic from the source and the provider's dedupe key), so
// a webhook the provider redelivers is answered 200 without creating a second event. Keys are held
// as 128-bit fingerprints (DedupeKey) in flat tables. Memory is bounded (`maxEntries`, the oldest
// evicted first) and entries expire after `window` seconds from first receipt.
//
// Why a separate log instead of rebuilding from the journal on open: the journal holds the whole
// retention period (days of full request bodies); reading and decoding all of it on every start
// would make start-up time grow with traffic, while the dedupe log holds only (time, key
// fingerprint) for the window and is compacted on open. The dedupe log is written ~50 ms behind
// the ingest path (DedupeLog), so a crash forgets the keys of the last events acknowledged; it
// also records how far into the journal its keys reach, and on open the journal from there on
// (those ~50 ms of events) is read back for them (DedupeIndex+CatchUp). So a vendor's retry of a
// webhook acknowledged just before a `kill -9` is still answered as a duplicate.

public import GatewayCore
import Synchronization

public final class DedupeIndex: Sendable {
    public enum Claim: Sendable, Equatable {
        /// First sighting in the window: the key is reserved for the caller, who must `commit` it
        /// once the event is durable or `release` it if the journal append failed.
        case new
        /// Already journaled: answer 200 "duplicate" without creating an event.
        case duplicate
        /// Another request with this key is being journaled right now and may still fail: answer
        /// 409 with Retry-After so the provider retries, rather than 200 for an event that might
        /// not exist.
        case inFlight
    }

    struct State {
        var entries = DedupeTable()
        /// Where the event of the newest committed key lies in the journal: what a compaction
        /// records as covered (its snapshot holds every key committed up to here).
        var resume: JournalPosition
        /// Claims in arrival order: expiry and eviction take from the front.
        var order = ExpiryQueue()
        var nextSequence: UInt64 = 0
        var evicted = 0
        var evictedSinceLog = 0
        var lastEvictionLog: Timestamp?
    }

    public let window: Double
    public let maxEntries: Int
    let logger: Logger
    let state: Mutex<State>
    let log: DedupeLog

    /// Opens the index persisted in `<storageDirectory>/dedupe/` (creating it if needed), keeping the
    /// entries younger than `window` seconds at `now`, adds the keys of the `journal`'s events
    /// the file may have missed (see DedupeIndex+CatchUp), and compacts the file. Open it after
    /// the journal and before anything appends to it. Memory is 32 bytes per entry in the expiry
    /// queue plus 43–85 in the table (32-byte slots at 3/8–3/4 load): at the default bound of a
    /// million, 64 MiB of table and 32 MiB of queue.
    public init(
        directory storageDirectory: String, journal: Journal, window: Double = 72 * 3600, maxEntries: Int = 1_000_000,
        logger: Logger, now: Timestamp = .now()
    ) throws(StoreError) {
        guard window > 0, maxEntries > 0 else { throw StoreError.invalid("dedupe window and max entries must be positive") }
        self.window = window
        self.maxEntries = maxEntries
        self.logger = logger.with("component", "dedupe")
        let cutoff = now.adding(seconds: -window)
        let loaded = try DedupeLog.load(directory: StorageLayout.dedupeDirectory(storageDirectory), logger: self.logger)
        // Later records of a key win; keep the newest `maxEntries` live ones, oldest first.
        var latest: [DedupeKey: DedupeLog.Record] = [:]
        for record in loaded.records where record.time > cutoff { latest[record.key] = record }
        let resume = try DedupeIndex.catchUp(&latest, log: loaded, journal: journal, cutoff: cutoff, logger: self.logger)
        var state = State(resume: resume)
        let live = latest.values.sorted { $0.time < $1.time }.suffix(maxEntries)
        for record in live {
            state.entries.modify(record.key) { $0 = .init(key: record.key, time: record.time, sequence: state.nextSequence, committed: true) }
            state.order.append(key: record.key, time: record.time, sequence: state.nextSequence)
            state.nextSequence += 1
        }
        self.state = Mutex(state)
        log = try DedupeLog(directory: StorageLayout.dedupeDirectory(storageDirectory),
                            live: DedupeLog.Snapshot(records: Array(live), resume: resume), logger: self.logger)
    }

    /// Number of keys held (reserved or committed).
    public var count: Int { state.withLock { $0.entries.count } }

    /// Keys evicted because of `maxEntries` since open.
    public var evictions: Int { state.withLock { $0.evicted } }

    /// Looks `key` up and, if it is unknown (or expired), reserves it atomically: of
    /// two concurrent claims of one key exactly one gets `.new`.
    public func claim(_ key: DedupeKey, now: Timestamp) -> Claim {
        let cutoff = now.adding(seconds: -window)
        let (claim, evictionReport) = state.withLock { s -> (Claim, (Int, Int)?) in
            expire(&s, olderThanOrAt: cutoff)
            let sequence = s.nextSequence
            let existing = s.entries.modify(key) { slot -> Claim? in
                if let e = slot { return e.committed ? .duplicate : .inFlight }
                slot = .init(key: key, time: now, sequence: sequence, committed: false)
                return nil
            }
            if let existing { return (existing, nil) }
            s.order.append(key: key, time: now, sequence: s.nextSequence)
            s.nextSequence += 1
            var evictedNow = 0
            while s.entries.count > maxEntries, let oldest = s.order.popFirst() {
                let before = s.entries.count
                s.entries.remove(oldest.key) { $0.sequence == oldest.sequence }
                evictedNow += before - s.entries.count
            }
            guard evictedNow > 0 else { return (.new, nil) }
            s.evicted += evictedNow
            s.evictedSinceLog += evictedNow
            // Log the first eviction, then at most once a minute with the count since.
            if let last = s.lastEvictionLog, now.seconds(since: last) < 60 { return (.new, nil) }
            s.lastEvictionLog = now
            defer { s.evictedSinceLog = 0 }
            return (.new, (s.evictedSinceLog, s.entries.count))
        }
        if let (evicted, held) = evictionReport {
            logger.warning("dedupe index full: evicting oldest keys before their window ends", [
                ("evicted", String(evicted)), ("max_entries", String(maxEntries)), ("held", String(held)),
            ])
        }
        return claim
    }

    /// Frees a reservation whose journal append failed, so the provider's retry is accepted.
    public func release(_ key: DedupeKey) {
        state.withLock { s in s.entries.remove(key) { !$0.committed } }
    }

    /// Marks a reservation durable (its event is the journal record at `position`) and persists
    /// it. Call in journal order, as the journal's completions run.
    public func commit(_ key: DedupeKey, at position: JournalPosition) {
        let committed = state.withLock { s -> (DedupeLog.Record, Int)? in
            let record = s.entries.modify(key) { slot -> DedupeLog.Record? in
                guard let e = slot, !e.committed else { return nil }
                slot!.committed = true
                return DedupeLog.Record(time: e.time, key: key)
            }
            guard let record else { return nil }
            s.resume = position
            return (record, s.entries.count)
        }
        guard let (record, live) = committed else { return }
        log.append(record, position: position)
        if log.needsCompaction(liveCount: live) {
            log.compact { [self] in
                // Copy-on-write: the lock is held only for the O(64) copy of the table.
                let (entries, resume) = state.withLock { ($0.entries, $0.resume) }
                let records = entries.all.filter(\.committed)
                    .map { DedupeLog.Record(time: $0.time, key: $0.key) }
                    .sorted { $0.time < $1.time }
                return DedupeLog.Snapshot(records: records, resume: resume)
            }
        }
    }

    /// Writes buffered commits to disk now (normally done within ~50 ms by the log's own queue).
    public func flush() { log.flush() }

    /// Flushes and closes the file; the in-memory index keeps answering but persists nothing more.
    public func close() { log.close() }

    private func expire(_ s: inout State, olderThanOrAt cutoff: Timestamp) {
        while let oldest = s.order.first, oldest.time <= cutoff {
            _ = s.order.popFirst()
            s.entries.remove(oldest.key) { $0.sequence == oldest.sequence }
        }
    }
}
