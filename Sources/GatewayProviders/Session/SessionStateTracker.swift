// Folds each session's events into its lifecycle state so a late event can be flagged
// `stale: true` (it is still forwarded; EVENT-SCHEMA.md "Session state"). Bounded: the least
// recently seen sessions are forgotten first, so memory stays flat however many sessions pass.

public import GatewayCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class SessionStateTracker: Sendable {
    /// Lifecycle rank of a type (`joining < waiting < joined < recording ⇄ paused < ended <
    /// completed | failed`), or nil for types that say nothing about the session's state.
    public static func rank(of type: EventType) -> Int? {
        var raw = type.rawValue
        return raw.withUTF8 { rank(utf8: $0) }
    }

    /// `session.` read as one word (little-endian): every lifecycle type starts with it.
    private static let sessionPrefix: UInt64 = 0x2E6E_6F69_7373_6573

    /// A string switch compared the type with each of the eight names in turn (~400 instructions
    /// a webhook); this reads the prefix as one word and picks the state by its first byte.
    private static func rank(utf8 b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count > 8, UnsafeRawPointer(b.baseAddress!).loadUnaligned(as: UInt64.self) == sessionPrefix else { return nil }
        let state = UnsafeBufferPointer(rebasing: b[8...])
        func isState(_ name: StaticString) -> Bool {
            state.count == name.utf8CodeUnitCount && memcmp(state.baseAddress!, name.utf8Start, state.count) == 0
        }
        switch state[0] {
        case UInt8(ascii: "j"): return isState("joining") ? 1 : isState("joined") ? 3 : nil
        case UInt8(ascii: "w"): return isState("waiting") ? 2 : nil
        case UInt8(ascii: "r"): return isState("recording") ? 4 : nil
        case UInt8(ascii: "p"): return isState("paused") ? 4 : nil
        case UInt8(ascii: "e"): return isState("ended") ? 5 : nil
        case UInt8(ascii: "c"): return isState("completed") ? 6 : nil
        case UInt8(ascii: "f"): return isState("failed") ? 6 : nil
        default: return nil
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
