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

    /// Provider and session id as two strings (no concatenated key to allocate), the session id
    /// hashed once when the key is made. The table's probes compare that hash before the strings, and hashing the
    /// key for a probe sequence combines one word: the table hashed both strings on every probe
    /// sequence (twice for a new session) and compared the session ids of each occupied bucket
    /// on the way, ~3.5 string comparisons per look-up.
    private struct Key: Hashable {
        let provider: String
        let session: String
        /// Of the session id, by the process's seeded `Hasher`, as the table would hash it. The
        /// provider is left out (it is compared): two providers rarely share a session id.
        let hash: Int

        init(provider: String, session: String) {
            self.provider = provider
            self.session = session
            hash = session.hashValue
        }

        static func == (a: Key, b: Key) -> Bool { a.hash == b.hash && a.session == b.session && a.provider == b.provider }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
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
        // Only the type goes into the closure: capturing the event copied all of it, twice.
        let type = event.type
        return state.withLock { s in
            s.clock &+= 1
            let clock = s.clock
            // Below capacity, a session is found or inserted by one look-up: a new entry starts at
            // this event's rank, which `advance` then leaves as it is (not stale).
            if s.entries.count < capacity {
                return Self.advance(&s.entries[key, default: Entry(rank: rank, type: type, lastUse: clock)],
                                    to: rank, type: type, clock: clock)
            }
            if let i = s.entries.index(forKey: key) {
                return Self.advance(&s.entries.values[i], to: rank, type: type, clock: clock)
            }
            Self.evictOldest(&s, fraction: 8)
            s.entries[key] = Entry(rank: rank, type: type, lastUse: clock)
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
