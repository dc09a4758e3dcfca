// The delivery side of the gateway: one dispatcher per configured sink, each with its own cursor
// over the journal, worker threads, retry state and dead letters. Ingress never waits for it:
// the journal's commit listener only rings the dispatchers' doorbells.

public import GatewayCore
public import GatewayStore
import Synchronization

public final class DeliveryEngine: Sendable {
    public struct Options: Sendable {
        /// Undelivered events each sink holds in memory.
        public var window: Int
        /// And at most about this many bytes of their envelopes: with large bodies (a transcript
        /// of several MiB spliced into each envelope) an event count alone does not bound memory.
        /// One event is always loaded, however large.
        public var windowBytes: Int
        /// How long acknowledgements gather before the cursor is made durable (one fdatasync).
        /// A crash loses at most this much acknowledgement, which means redelivery, not loss.
        public var flushInterval: Double

        public init(window: Int = 1024, windowBytes: Int = 32 << 20, flushInterval: Double = 0.02) {
            self.window = max(1, window)
            self.windowBytes = max(1, windowBytes)
            self.flushInterval = max(0, flushInterval)
        }
    }

    private let dispatchers: [SinkDispatcher]
    private let logger: Logger
    private let state = Mutex<(started: Bool, stopped: Bool)>((false, false))

    /// Opens every sink's durable state under `<storageDirectory>/sinks/<name>/`. Sink names must
    /// be unique. Nothing is delivered before `start()`.
    public init(journal: Journal, storageDirectory: String, sinks: [ConfiguredSink], logger: Logger,
                metrics: DeliveryMetrics = DeliveryMetrics(), clock: any DeliveryClock = SystemClock(),
                options: Options = Options()) throws(StoreError) {
        var seen = Set<String>()
        for sink in sinks where !seen.insert(sink.name).inserted {
            throw StoreError.invalid("two sinks are named '\(sink.name)'")
        }
        var built: [SinkDispatcher] = []
        for sink in sinks {
            built.append(try SinkDispatcher(
                configured: sink, journal: journal, storageDirectory: storageDirectory, logger: logger,
                metrics: metrics, clock: clock,
                options: SinkDispatcher.Options(window: options.window, windowBytes: options.windowBytes,
                                                flushInterval: options.flushInterval)))
        }
        dispatchers = built
        self.logger = logger
        // Weak: the journal outlives an engine replaced by a reload, and must not keep it alive.
        journal.onCommit { [weak self] in
            guard let self else { return }
            for d in self.dispatchers { d.doorbell.ring() }
        }
        metrics.attach { [weak self] in self?.status() ?? [] }
    }

    public var sinkNames: [String] { dispatchers.map(\.name) }

    public func start() {
        let first = state.withLock { s -> Bool in
            guard !s.started else { return false }
            s.started = true
            return true
        }
        guard first else { return }
        for d in dispatchers { d.start() }
        logger.info("delivery started", [("sinks", sinkNames.joined(separator: ","))])
    }

    /// Waits for in-flight deliveries (each bounded by its sink's timeout), makes every sink's
    /// progress durable and closes the sinks. Call once; later calls return at once.
    public func stop() { stop(persist: true) }

    /// Stops without writing pending acknowledgements, as a crash would.
    func stop(persist: Bool) {
        let first = state.withLock { s -> Bool in
            guard !s.stopped else { return false }
            s.stopped = true
            return true
        }
        guard first else { return }
        // Sinks stop in parallel: one slow receiver must not hold up the others' final flush.
        let group = DispatchGroupBox()
        for d in dispatchers { group.run { d.stop(persist: persist) } }
        group.wait()
        logger.info("delivery stopped")
    }

    public func status() -> [SinkStatus] { dispatchers.map { $0.status() } }

    /// Where the journal record at `position` stands at each sink, in configuration order.
    public func states(of position: JournalPosition) -> [(sink: String, state: SinkState.RecordState)] {
        dispatchers.map { ($0.name, $0.state(of: position)) }
    }

    /// The oldest journal position any sink still needs (its cursor or an older requeued record):
    /// journal segments wholly before it may go once retention allows
    /// (`journal.removeSegments(fullyBefore:olderThan:)`). nil when there are no sinks.
    public func retentionFloor() -> JournalPosition? {
        dispatchers.compactMap { $0.oldestNeeded() }.min()
    }

    public func pause(_ sink: String, reason: String = "paused by an operator") throws(DeliveryError) {
        let d = try dispatcher(sink)
        do { try d.pause(reason: reason) } catch { throw .storage(error) }
    }

    public func resume(_ sink: String) throws(DeliveryError) {
        let d = try dispatcher(sink)
        do { try d.resume() } catch { throw .storage(error) }
    }

    /// Re-enqueues the journal events matching `filter` (and the sink's own filter) that the sink
    /// already passed. Returns how many were requeued.
    public func replay(sink: String, filter: ReplayFilter) throws(DeliveryError) -> Int {
        let d = try dispatcher(sink)
        do { return try d.replay(filter) } catch { throw .storage(error) }
    }

    public func deadLetters(sink: String) throws(DeliveryError) -> [DeadLetter] {
        try dispatcher(sink).deadLetters()
    }

    /// Sends dead letters back for delivery (`ids` = their sequences; nil = all). Returns them.
    @discardableResult
    public func retryDeadLetters(sink: String, ids: Set<UInt64>? = nil) throws(DeliveryError) -> [DeadLetter] {
        let d = try dispatcher(sink)
        do { return try d.retryDeadLetters(ids: ids) } catch { throw .storage(error) }
    }

    @discardableResult
    public func dropDeadLetters(sink: String, ids: Set<UInt64>? = nil) throws(DeliveryError) -> [DeadLetter] {
        let d = try dispatcher(sink)
        do { return try d.dropDeadLetters(ids: ids) } catch { throw .storage(error) }
    }

    /// Delivers `event` to the sink once, now, on the calling thread, outside the queue: no
    /// retry, no cursor, no dead letter (the admin "send test webhook" button).
    public func sendTest(sink: String, event: StoredEvent) throws(DeliveryError) -> DeliveryOutcome {
        try dispatcher(sink).configured.sink.deliver(event)
    }

    private func dispatcher(_ name: String) throws(DeliveryError) -> SinkDispatcher {
        guard let d = dispatchers.first(where: { $0.name == name }) else { throw .unknownSink(name, known: sinkNames) }
        return d
    }
}

public enum DeliveryError: Error, Sendable, CustomStringConvertible {
    case unknownSink(String, known: [String])
    case storage(StoreError)

    public var description: String {
        switch self {
        case .unknownSink(let name, let known):
            "unknown sink '\(name)' (configured: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .storage(let error): "sink state storage failed: \(error)"
        }
    }
}
