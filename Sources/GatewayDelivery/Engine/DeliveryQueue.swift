// The in-memory delivery window of one sink, as a state machine that does no I/O: which events
// are loaded, which may be attempted now (per-session ordering), and how far the durable cursor
// may advance. The dispatcher drives it under its lock; tests drive it with plain timestamps.

import GatewayCore
import GatewayStore

struct DeliveryQueue {
    enum Ordering: Sendable { case perSession, none }

    enum State: Equatable {
        case pending, running
        /// Only inside `finish`, between marking a batch's items and removing them in one pass.
        case finished
    }

    struct Item {
        let id: UInt64
        let position: JournalPosition
        let event: StoredEvent
        /// Redelivery of an older record (replay or dead letter sent back), not part of the stream.
        let isRequeue: Bool
        var state: State = .pending
        var attempts: Int
        var firstAttemptAt: Timestamp?
        var nextAttemptAt: Timestamp
        /// A retry state was persisted for it and must be cleared once it is done.
        var hasDurableRetry: Bool
        /// Its ordering partition (see `partition(of:)`), nil when it has none or ordering is off.
        var partition: Int?
    }

    /// One stream record in journal order; filtered-out records are done from the start.
    private struct Slot {
        let next: JournalPosition
        let item: UInt64?
    }

    let ordering: Ordering
    /// The loaded items in the order they may be attempted: by position, so the stream is in
    /// journal order and a requeued older event comes before its session's newer ones. One array
    /// and no dictionary by id: `take` walks this order anyway, and a finished batch is found by
    /// walking it from where the last of the batch was (batches finish in the order they were
    /// taken), so no id is hashed per event.
    private var items: [Item] = []
    private var stream: [Slot] = []
    private var streamHead = 0
    /// Partitions one of whose events is being attempted right now.
    private var busyPartitions: Set<Int> = []
    /// Partitions whose head `take` found not due yet in one pass, empty between calls: kept
    /// (with its capacity) so a pass does not allocate a set.
    private var blockedInPass: Set<Int> = []
    private var nextID: UInt64 = 1

    init(ordering: Ordering) { self.ordering = ordering }

    /// Items loaded and not yet done (the window size that bounds memory); done items are removed.
    var loaded: Int { items.count }
    /// Envelope bytes of the loaded items (the window's other bound).
    private(set) var loadedBytes = 0
    var running: Int { items.filter { $0.state == .running }.count }

    /// Adds the next stream record. `event` nil means the sink's filter skipped it (or it was
    /// already dead-lettered): it only counts for the cursor.
    mutating func appendStream(position: JournalPosition, next: JournalPosition, event: StoredEvent?,
                               retry: RetryState? = nil, now: Timestamp) {
        guard let event else {
            stream.append(Slot(next: next, item: nil))
            return
        }
        let id = add(position: position, event: event, isRequeue: false, retry: retry, now: now)
        stream.append(Slot(next: next, item: id))
    }

    mutating func appendRequeue(position: JournalPosition, event: StoredEvent, retry: RetryState? = nil, now: Timestamp) {
        _ = add(position: position, event: event, isRequeue: true, retry: retry, now: now)
    }

    private mutating func add(position: JournalPosition, event: StoredEvent, isRequeue: Bool, retry: RetryState?, now: Timestamp) -> UInt64 {
        let id = nextID
        nextID += 1
        loadedBytes += event.envelope.count
        let item = Item(id: id, position: position, event: event, isRequeue: isRequeue,
                        attempts: retry?.attempts ?? 0, firstAttemptAt: retry?.firstAttemptAt,
                        nextAttemptAt: retry?.nextAttemptAt ?? now, hasDurableRetry: retry != nil,
                        partition: partition(of: event))
        // Keep `items` sorted by position so a session's older event always comes first.
        if let last = items.last, last.position > position {
            let i = items.firstIndex { $0.position > position } ?? items.count
            items.insert(item, at: i)
        } else {
            items.append(item)
        }
        return id
    }

    /// A partition key stands for its partition by its hash, computed once per event: `take` and
    /// `nextDue` look partitions up for every loaded item they pass, and hashing the key string
    /// (`<provider>:<session id>`, ~45 bytes) each time made `take` cost ~4 700 instructions per
    /// webhook under W1 (`bench/instructions.sh`); now ~200.
    /// Two keys with one hash only wait for each other, which can delay but never reorder.
    /// MurmurHash3 rather than `hashValue`: SipHash over the key was ~425 instructions per event;
    /// a fixed hash lets a sender who knows it make two of its sessions share a partition, which
    /// only serialises its own events.
    private func partition(of event: StoredEvent) -> Int? {
        guard ordering == .perSession, let key = event.partitionKey else { return nil }
        return Int(truncatingIfNeeded: key.withUTF8Bytes { Murmur3.hash128(UnsafeRawBufferPointer($0)).0 })
    }

    /// Whether `position` is loaded and not done (a replay need not add it again).
    func isActive(_ position: JournalPosition) -> Bool {
        items.contains { $0.position == position }
    }

    /// The first item that may be attempted at `now`, marked running.
    mutating func take(now: Timestamp) -> Item? { take(now: now, limit: 1).first }

    /// Up to `limit` items that may be attempted at `now`, in order, marked running. Per-session
    /// ordering: only the oldest unfinished event of a partition is eligible, and only when none
    /// of that partition is in flight; later events wait even when their own time has come (so
    /// one batch holds at most one event per partition).
    mutating func take(now: Timestamp, limit: Int) -> [Item] {
        var taken: [Item] = []
        defer { blockedInPass.removeAll(keepingCapacity: true) }
        for i in items.indices {
            guard taken.count < limit else { break }
            // A running item's partition is busy, so it holds back the rest of its partition
            // through `busyPartitions`; no need to hash its key here.
            guard items[i].state == .pending else { continue }
            let due = items[i].nextAttemptAt <= now
            if let key = items[i].partition {
                if busyPartitions.contains(key) || blockedInPass.contains(key) { continue }
                // Whatever happens to this one, later events of its partition must wait: taken,
                // it makes the partition busy; not due yet, it blocks the rest of this pass.
                guard due else {
                    blockedInPass.insert(key)
                    continue
                }
                busyPartitions.insert(key)
            } else if !due {
                continue
            }
            items[i].state = .running
            if taken.isEmpty { taken.reserveCapacity(min(limit, items.count - i)) }
            taken.append(items[i])
        }
        return taken
    }

    /// The earliest time an item that is not held back by ordering becomes due (nil when none
    /// is): workers sleep until then. Items waiting behind their partition's head do not count,
    /// or a worker would spin while a session's first event waits to retry.
    func nextDue() -> Timestamp? {
        var blocked: Set<Int> = []
        var earliest: Timestamp?
        for item in items {
            if let key = item.partition {
                if busyPartitions.contains(key) || blocked.contains(key) { continue }
                blocked.insert(key)
            }
            guard item.state == .pending else { continue }
            if earliest == nil || item.nextAttemptAt < earliest! { earliest = item.nextAttemptAt }
        }
        return earliest
    }

    /// The item is delivered or dead-lettered. It leaves memory at once: a stream record only
    /// keeps its slot (a few bytes) until the cursor passes it, so an event retrying for days at
    /// the head of the stream does not fill the window and stall every other session.
    mutating func finish(_ id: UInt64) { finish([id]) }

    /// Finishes several items (best in the order `take` returned them) with one removal pass.
    mutating func finish(_ ids: [UInt64]) {
        var from = 0, done = 0
        for id in ids {
            guard let i = index(of: id, from: from), items[i].state != .finished else { continue }
            release(partition: items[i].partition)
            loadedBytes -= items[i].event.envelope.count
            items[i].state = .finished
            from = i + 1
            done += 1
        }
        if done > 0 { removeFinished() }
    }

    /// Removes the finished items, keeping the order, a run at a time from the end: a batch is
    /// usually one run, and `removeSubrange` moves the items after it as raw memory.
    /// `removeAll(where:)` and `swapAt` copied every item they passed (its event retained and
    /// released).
    private mutating func removeFinished() {
        var end = items.count
        while end > 0 {
            guard items[end - 1].state == .finished else { end -= 1; continue }
            var start = end - 1
            while start > 0, items[start - 1].state == .finished { start -= 1 }
            items.removeSubrange(start..<end)
            end = start
        }
    }

    /// Makes every loaded event waiting for a retry due at `now` (an operator fixed the receiver);
    /// returns how many.
    mutating func makeRetriesDue(now: Timestamp) -> Int {
        var count = 0
        for i in items.indices where items[i].state == .pending && items[i].attempts > 0 && items[i].nextAttemptAt > now {
            items[i].nextAttemptAt = now
            count += 1
        }
        return count
    }

    /// The item goes back to waiting until `at`.
    mutating func reschedule(_ id: UInt64, attempts: Int, firstAttemptAt: Timestamp, at: Timestamp, durable: Bool) {
        guard let i = index(of: id, from: 0) else { return }
        release(partition: items[i].partition)
        items[i].state = .pending
        items[i].attempts = attempts
        items[i].firstAttemptAt = firstAttemptAt
        items[i].nextAttemptAt = at
        if durable { items[i].hasDurableRetry = true }
    }

    /// Where item `id` is, searching from `start` on and then before it: a batch's items are
    /// found in one walk when they come in attempt order.
    private func index(of id: UInt64, from start: Int) -> Int? {
        // Index loops reading `items[i].id` in place: `firstIndex(where:)` on a slice handed the
        // predicate a copy of each item it passed (its event retained and released).
        for i in start..<items.count where items[i].id == id { return i }
        for i in 0..<min(start, items.count) where items[i].id == id { return i }
        return nil
    }

    /// By the partition alone: passing the item copied it (its event retained and released).
    private mutating func release(partition: Int?) {
        if let partition { busyPartitions.remove(partition) }
    }

    /// Drops the finished prefix of the stream and returns the position the cursor may move to
    /// (every stream record before it is done), or nil when it did not move.
    mutating func advanceCursor() -> JournalPosition? {
        // Stream items get increasing ids in journal order and `items` is in journal order, so
        // a slot's item is done exactly when its id is below the first stream item still loaded.
        let firstLoaded = items.first { !$0.isRequeue }?.id ?? nextID
        var cursor: JournalPosition?
        while streamHead < stream.count {
            let slot = stream[streamHead]
            if let id = slot.item, id >= firstLoaded { break }
            cursor = slot.next
            streamHead += 1
        }
        if streamHead > 1024, streamHead * 2 > stream.count {
            stream.removeFirst(streamHead)
            streamHead = 0
        }
        return cursor
    }

    /// Stream records past the cursor that are done (delivered or dead-lettered) while an earlier
    /// one is not, e.g. other sessions' events behind one that is retrying. `cursor` is where the
    /// first record the cursor has not passed starts. A run continuing from the cursor must pass
    /// over these, or it delivers them again.
    func finishedPastCursor(_ cursor: JournalPosition) -> [JournalPosition] {
        var loaded = Set<UInt64>()
        for item in items where !item.isRequeue { loaded.insert(item.id) }
        var out: [JournalPosition] = []
        var position = cursor
        for slot in stream[streamHead...] {
            if let id = slot.item, !loaded.contains(id) { out.append(position) }
            position = slot.next
        }
        return out
    }

    /// Loaded items not yet done (status: queue depth and oldest age).
    var undelivered: [Item] { items }

    /// Stream records read but not yet passed by the cursor.
    var streamBacklog: Int { stream.count - streamHead }
}
