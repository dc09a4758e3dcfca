// The in-memory delivery window of one sink, as a state machine that does no I/O: which events
// are loaded, which may be attempted now (per-session ordering), and how far the durable cursor
// may advance. The dispatcher drives it under its lock; tests drive it with plain timestamps.

import GatewayCore
import GatewayStore

struct DeliveryQueue {
    enum Ordering: Sendable { case perSession, none }

    enum State: Equatable { case pending, running }

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
    private(set) var items: [UInt64: Item] = [:]
    /// Ids in the order they may be attempted: journal order for the stream, requeues by position.
    private var order: [UInt64] = []
    private var stream: [Slot] = []
    private var streamHead = 0
    /// Partitions one of whose events is being attempted right now.
    private var busyPartitions: Set<Int> = []
    /// `take`'s partitions seen so far in one pass, empty between calls: kept (with its capacity)
    /// so a batch does not allocate a set, about one allocation per webhook under load.
    private var blockedInPass: Set<Int> = []
    private var nextID: UInt64 = 1

    init(ordering: Ordering) { self.ordering = ordering }

    /// Items loaded and not yet done (the window size that bounds memory); done items are removed.
    var loaded: Int { items.count }
    /// Envelope bytes of the loaded items (the window's other bound).
    private(set) var loadedBytes = 0
    var running: Int { items.values.filter { $0.state == .running }.count }

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
        items[id] = Item(id: id, position: position, event: event, isRequeue: isRequeue,
                         attempts: retry?.attempts ?? 0, firstAttemptAt: retry?.firstAttemptAt,
                         nextAttemptAt: retry?.nextAttemptAt ?? now, hasDurableRetry: retry != nil,
                         partition: partition(of: event))
        // Keep `order` sorted by position so a session's older event always comes first.
        if let last = order.last, let lastItem = items[last], lastItem.position > position {
            let i = order.firstIndex { items[$0]!.position > position } ?? order.count
            order.insert(id, at: i)
        } else {
            order.append(id)
        }
        return id
    }

    /// A partition key stands for its partition by its hash, computed once per event: `take` and
    /// `nextDue` look partitions up for every loaded item they pass, and hashing the key string
    /// (`<provider>:<session id>`, ~45 bytes) each time made `take` cost ~4 700 instructions per
    /// webhook under W1 (`bench/instructions.sh`); now ~200.
    /// Two keys with one hash only wait for each other, which can delay but never reorder.
    private func partition(of event: StoredEvent) -> Int? {
        guard ordering == .perSession else { return nil }
        return event.partitionKey?.hashValue
    }

    /// Whether `position` is loaded and not done (a replay need not add it again).
    func isActive(_ position: JournalPosition) -> Bool {
        items.values.contains { $0.position == position }
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
        for id in order {
            guard taken.count < limit else { break }
            guard let item = items[id] else { continue }
            if let key = item.partition {
                if busyPartitions.contains(key) || blockedInPass.contains(key) { continue }
                // Whatever happens to this one, later events of its partition must wait.
                blockedInPass.insert(key)
            }
            guard item.state == .pending, item.nextAttemptAt <= now else { continue }
            items[id]!.state = .running
            if let key = item.partition { busyPartitions.insert(key) }
            taken.append(items[id]!)
        }
        return taken
    }

    /// The earliest time an item that is not held back by ordering becomes due (nil when none
    /// is): workers sleep until then. Items waiting behind their partition's head do not count,
    /// or a worker would spin while a session's first event waits to retry.
    func nextDue() -> Timestamp? {
        var blocked: Set<Int> = []
        var earliest: Timestamp?
        for id in order {
            guard let item = items[id] else { continue }
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

    /// Finishes several items with one pass over the attempt order.
    mutating func finish(_ ids: [UInt64]) {
        var done = 0, last: UInt64 = 0
        for id in ids {
            guard let item = items[id] else { continue }
            release(item)
            loadedBytes -= item.event.envelope.count
            items[id] = nil
            done += 1
            last = id
        }
        // `order` holds exactly the ids in `items`, so the finished ones are those no longer in
        // it: no set of them to allocate per batch.
        if done == 1, let i = order.firstIndex(of: last) {
            order.remove(at: i)
        } else if done > 1 {
            order.removeAll { items[$0] == nil }
        }
    }

    /// The item goes back to waiting until `at`.
    mutating func reschedule(_ id: UInt64, attempts: Int, firstAttemptAt: Timestamp, at: Timestamp, durable: Bool) {
        guard let item = items[id] else { return }
        release(item)
        items[id]!.state = .pending
        items[id]!.attempts = attempts
        items[id]!.firstAttemptAt = firstAttemptAt
        items[id]!.nextAttemptAt = at
        if durable { items[id]!.hasDurableRetry = true }
    }

    private mutating func release(_ item: Item) {
        if let key = item.partition { busyPartitions.remove(key) }
    }

    /// Drops the finished prefix of the stream and returns the position the cursor may move to
    /// (every stream record before it is done), or nil when it did not move.
    mutating func advanceCursor() -> JournalPosition? {
        var cursor: JournalPosition?
        while streamHead < stream.count {
            let slot = stream[streamHead]
            if let id = slot.item, items[id] != nil { break }
            cursor = slot.next
            streamHead += 1
        }
        if streamHead > 1024, streamHead * 2 > stream.count {
            stream.removeFirst(streamHead)
            streamHead = 0
        }
        return cursor
    }

    /// Loaded items not yet done (status: queue depth and oldest age).
    var undelivered: Dictionary<UInt64, Item>.Values { items.values }

    /// Stream records read but not yet passed by the cursor.
    var streamBacklog: Int { stream.count - streamHead }
}
