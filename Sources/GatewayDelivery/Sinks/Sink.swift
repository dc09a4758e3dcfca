// The one-method seam every sink implements. A sink only moves bytes and reports what happened:
// retries, backoff, ordering and dead letters belong to the engine (so every sink gets them alike).

public import GatewayStore

public protocol Sink: Sendable {
    /// The configured sink name (also its storage directory name).
    var name: String { get }
    /// Delivers one event and blocks until the outcome is known. Called on the sink's delivery
    /// worker threads, possibly several at once (`concurrency`), never on an event loop.
    func deliver(_ event: StoredEvent) -> DeliveryOutcome
    /// At most this many ready events are handed to one `deliver(batch:)` call. 1 (the default)
    /// means one at a time; sinks that write many events as cheaply as one (a file: one write
    /// system call) take more. Each event of a batch still gets its own outcome, retries and metrics.
    var batchLimit: Int { get }
    /// Delivers `events` (journal order, at most one per session) and returns one outcome per
    /// event, in the same order. The default delivers them one by one.
    func deliver(batch events: [StoredEvent]) -> [DeliveryOutcome]
    /// Acquires what the sink cannot work without (a file sink opens its file); called once
    /// before its first delivery. A sink that fails here is refused when it is started, at
    /// startup or by a reload (which then keeps the previous sinks), instead of retrying its first
    /// event until the operator notices.
    func open() throws(SinkOpenError)
    /// Releases files and connections; called once when the engine stops.
    func close()
}

/// Why a sink cannot start, for the operator (`open /srv/out/events.jsonl: Permission denied`).
public struct SinkOpenError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Sink {
    public var batchLimit: Int { 1 }
    public func deliver(batch events: [StoredEvent]) -> [DeliveryOutcome] { events.map { deliver($0) } }
    public func open() throws(SinkOpenError) {}
    public func close() {}
}
