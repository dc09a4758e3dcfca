// Folds each session's events into its lifecycle state so a late event can be flagged
// `stale: true` (it is still forwarded; EVENT-SCHEMA.md "Session state"). Bounded: the least
// recently seen sessions are forgotten first, so memory stays flat however many sessions pass.

public import GatewayCore
import Synchronization

public final class SessionStateTracker: Sendable {
    /// Lifecycle rank of a type (`joining < waiting < joined < recording ⇄ paused < ended <
    /// completed | failed`), or nil for types that say nothing about the session's state.
    public static func rank(of type: EventType) -> Int? { ranks[type.ordinal] }

    /// By `EventType.ordinal`: one array read per event instead of a switch over strings.
    private static let ranks: [Int?] = EventType.vocabulary.map { name in
        switch name {
        case "session.joining": 1
        case "session.waiting": 2
        case "session.joined": 3
        case "session.recording", "session.paused": 4
        case "session.ended": 5
        case "session.completed", "session.failed": 6
        default: nil
        }
    }

    private struct Entry {
        var rank: Int
        var type: EventType
        var lastUse: UInt64
    }

    /// Provider and session id as two strings: hashed as they are, no concatenated key to allocate.
    private struct Key: Hashable {
        let provider: String
        let session: String
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
    }

    public let capacity: Int
    private let state: Mutex<State>

    public init(capacity: Int = 100_000) {
        precondition(capacity > 0)
        self.capacity = capacity
        state = Mutex(State())
    }

    /// Records `event` and answers whether it is stale: its type ranks below the session's current
    /// state. A stale event never moves the state backwards. Events without a session or with a
    /// type outside the lifecycle are never stale.
    public func observe(_ event: MeetingEvent) -> Bool {
        guard let session = event.session, let rank = Self.rank(of: event.type) else { return false }
        let key = Key(provider: event.provider, session: session.id)
        return state.withLock { s in
            s.clock &+= 1
            // Known sessions are updated in place through the index: one hash per event.
            if let i = s.entries.index(forKey: key) {
                return Self.advance(&s.entries.values[i], to: rank, type: event.type, clock: s.clock)
            }
            if s.entries.count >= capacity { Self.evictOldest(&s, fraction: 8) }
            s.entries[key] = Entry(rank: rank, type: event.type, lastUse: s.clock)
            return false
        }
    }

    /// Moves a known session's state forward; true when the event ranks below it (stale).
    private static func advance(_ e: inout Entry, to rank: Int, type: EventType, clock: UInt64) -> Bool {
        e.lastUse = clock
        if rank < e.rank { return true }
        // Completed and failed are both final: whichever came first stays.
        if rank > e.rank { e.rank = rank; e.type = type } else if rank == 4 { e.type = type }
        return false
    }

    /// The session's current state type, if it is still remembered.
    public func state(provider: String, session: String) -> EventType? {
        state.withLock { $0.entries[Key(provider: provider, session: session)]?.type }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// Drops the least recently used eighth at once, so eviction's O(n log n) scan is amortised
    /// over many inserts instead of paid on each.
    private static func evictOldest(_ s: inout State, fraction: Int) {
        let drop = max(1, s.entries.count / fraction)
        let victims = s.entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(drop)
        for (k, _) in victims { s.entries.removeValue(forKey: k) }
    }
}
