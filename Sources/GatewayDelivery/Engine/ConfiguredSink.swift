// A sink as the engine runs it: the plugin plus the host-owned envelope settings (filter, retry,
// ordering, concurrency), which the runtime maps from the configuration's sink envelope.

public struct ConfiguredSink: Sendable {
    public enum Ordering: String, Sendable, Equatable {
        /// Events with the same partition key are delivered one at a time, in journal order.
        case perSession = "per_session"
        case none
    }

    public var sink: any Sink
    public var filter: EventFilter
    public var retry: RetryPolicy
    public var ordering: Ordering
    /// Worker threads, i.e. deliveries in flight at once.
    public var concurrency: Int

    public init(sink: any Sink, filter: EventFilter = .all, retry: RetryPolicy = .default,
                ordering: Ordering = .perSession, concurrency: Int = 4) {
        self.sink = sink
        self.filter = filter
        self.retry = retry
        self.ordering = ordering
        self.concurrency = max(1, concurrency)
    }

    public var name: String { sink.name }
}
