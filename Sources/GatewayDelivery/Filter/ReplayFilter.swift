// Which journalled events a replay sends again: a receipt-time window plus type globs and a
// session. The sink's own filter applies as well (a sink never receives events it does not take).

public import GatewayCore
public import GatewayStore

public struct ReplayFilter: Sendable, Hashable {
    /// Inclusive lower bound on the gateway's receipt time.
    public var from: Timestamp?
    /// Exclusive upper bound on the receipt time.
    public var to: Timestamp?
    public var types: [Glob]
    public var session: String?

    public init(from: Timestamp? = nil, to: Timestamp? = nil, types: [String] = [], session: String? = nil) {
        self.from = from
        self.to = to
        self.types = types.map(Glob.init)
        self.session = session
    }

    public func matches(_ event: StoredEvent) -> Bool {
        if let from, event.receivedAt < from { return false }
        if let to, event.receivedAt >= to { return false }
        if !types.isEmpty, !types.contains(where: { $0.matches(event.type) }) { return false }
        if let session, event.sessionID != session { return false }
        return true
    }
}
