// The one-method seam every sink implements. A sink only moves bytes and reports what happened:
// retries, backoff, ordering and dead letters belong to the engine (so every sink gets them alike).

public import GatewayStore

public protocol Sink: Sendable {
    /// The configured sink name (also its storage directory name).
    var name: String { get }
    /// Delivers one event and blocks until the outcome is known. Called on the sink's delivery
    /// worker threads, possibly several at once (`concurrency`), never on an event loop.
    func deliver(_ event: StoredEvent) -> DeliveryOutcome
    /// Releases files and connections; called once when the engine stops.
    func close()
}

extension Sink {
    public func close() {}
}
