// Folds each session's events into its lifecycle state so a late event can be flagged
// `stale: true` (it is still forwarded; EVENT-SCHEMA.md "Session state"). Bounded: the least
// recently seen sessions are forgotten first, so memory stays flat however many sessions pass.

public import GatewayCore
import Synchronization

public final class SessionStateTracker: Sendable {
    /// Lifecycle rank of a type (`joining < waiting < joined < recording ⇄ paused < ended <
    /// completed | failed`), or nil for types that say nothing about the session's state.
    public static func rank(of type: EventType) -> Int? {
        switch type.rawValue {
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

    private struct State {
        var entries: [String: Entry] = [:]
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
        let key = event.provider + ":" + session.id
        return state.withLock { s in
            s.clock &+= 1
            if var e = s.entries[key] {
                e.lastUse = s.clock
                if rank < e.rank {
                    s.entries[key] = e
                    return true
                }
                // Completed and failed are both final: whichever came first stays.
                if rank > e.rank { e.rank = rank; e.type = event.type } else if rank == 4 { e.type = event.type }
                s.entries[key] = e
                return false
            }
            if s.entries.count >= capacity { Self.evictOldest(&s, fraction: 8) }
            s.entries[key] = Entry(rank: rank, type: event.type, lastUse: s.clock)
            return false
        }
    }

    /// The session's current state type, if it is still remembered.
    public func state(provider: String, session: String) -> EventType? {
        state.withLock { $0.entries[provider + ":" + session]?.type }
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
