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
        /// Attempt records each sink keeps in memory for the admin API (`AttemptHistory`): the
        /// default takes about 3 MiB per sink with the usual short error texts, at most about
        /// 8 MiB with long ones (`AttemptRecord.errorLimit`).
        public var attemptHistory: Int

        public init(window: Int = 1024, windowBytes: Int = 32 << 20, flushInterval: Double = 0.02,
                    attemptHistory: Int = 10_000) {
            self.window = max(1, window)
            self.windowBytes = max(1, windowBytes)
            self.flushInterval = max(0, flushInterval)
            self.attemptHistory = max(1, attemptHistory)
        }
    }

    /// Read on every journal commit: held only to copy the list. A reload replaces it whole.
    private let dispatchers: Mutex<[SinkDispatcher]>
    /// Held through `start`, `reconfigure` and `stop`, which block on sinks' threads: they are
    /// rare and must not interleave (a reload racing the shutdown would start sinks nobody stops).
    private let lifecycle = Mutex<(started: Bool, stopped: Bool)>((false, false))
    private let journal: Journal
    private let storageDirectory: String
    private let logger: Logger
    private let metrics: DeliveryMetrics
    private let clock: any DeliveryClock
    private let options: Options

    /// Opens every sink (`Sink.open`) and its durable state under `<storageDirectory>/sinks/<name>/`.
    /// Sink names must be unique. Nothing is delivered before `start()`.
    public init(journal: Journal, storageDirectory: String, sinks: [ConfiguredSink], logger: Logger,
                metrics: DeliveryMetrics = DeliveryMetrics(), clock: any DeliveryClock = SystemClock(),
                options: Options = Options()) throws(DeliveryError) {
        self.journal = journal
        self.storageDirectory = storageDirectory
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        self.options = options
        dispatchers = Mutex([])
        // What a reload adding every sink to an empty engine does.
        _ = try apply(sinks.map { .run($0) }, started: false)
        // Weak: the journal may outlive the engine (a test runs a second one over it after a
        // simulated crash) and must not keep it alive.
        journal.onCommit { [weak self] in
            guard let self else { return }
            for d in self.dispatchers.withLock({ $0 }) { d.doorbell.ring() }
        }
        metrics.attach { [weak self] in self?.status() ?? [] }
    }

    public var sinkNames: [String] { dispatchers.withLock { $0.map(\.name) } }

    public func start() {
        let names = lifecycle.withLock { s -> [String]? in
            guard !s.started else { return nil }
            s.started = true
            let all = dispatchers.withLock { $0 }
            for d in all { d.start() }
            return all.map(\.name)
        }
        guard let names else { return }
        logger.info("delivery started", [("sinks", names.joined(separator: ","))])
    }

    /// Waits for in-flight deliveries (each bounded by its sink's timeout), makes every sink's
    /// progress durable and closes the sinks. Call once; later calls return at once.
    public func stop() { stop(persist: true) }

    /// Stops without writing pending acknowledgements, as a crash would.
    func stop(persist: Bool) {
        lifecycle.withLock { s in
            guard !s.stopped else { return }
            s.stopped = true
            Self.stopAll(dispatchers.withLock { $0 }) { $0.stop(persist: persist) }
            logger.info("delivery stopped")
        }
    }

    /// What a reload asks of one configured sink.
    public enum Plan: Sendable {
        /// The sink runs with unchanged settings: leave it alone.
        case keep(String)
        /// Run this sink: new, or replacing the running sink of the same name (changed settings).
        case run(ConfiguredSink)

        var name: String {
            switch self {
            case .keep(let name): name
            case .run(let sink): sink.name
            }
        }
    }

    /// Makes the running sinks those of `plan`, in its order, all or nothing: every sink to run is
    /// opened (plugin, and state for a new one) before anything running is touched, and on a
    /// failure those are closed again and the running sinks stay as they were. Then running sinks
    /// left out of `plan` stop (their state stays on disk: named again later, they resume from
    /// their cursor), and a changed sink stops like at shutdown (in-flight attempts finish, the
    /// cursor is made durable) and its successor continues from that cursor with the same
    /// retries, dead letters and pause. A new sink starts like at a first start: at the journal's
    /// end. The metrics of removed sinks go with them.
    public func reconfigure(_ plan: [Plan]) throws(DeliveryError) {
        try lifecycle.withLock { s throws(DeliveryError) in
            // A reload racing the shutdown changes nothing.
            guard !s.stopped else { return }
            let (added, changed, removed) = try apply(plan, started: s.started)
            guard !added.isEmpty || !changed.isEmpty || !removed.isEmpty else { return }
            logger.info("sinks reconfigured", [
                ("added", added.joined(separator: ",")), ("changed", changed.joined(separator: ",")),
                ("removed", removed.joined(separator: ",")),
            ])
        }
    }

    /// Returns the names of the sinks added, changed and removed.
    private func apply(_ plan: [Plan], started: Bool) throws(DeliveryError) -> (added: [String], changed: [String], removed: [String]) {
        try Self.checkNames(plan.map(\.name))
        let old = dispatchers.withLock { $0 }
        let running = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for case .keep(let name) in plan { precondition(running[name] != nil, "sink '\(name)' kept but not running") }
        let toRun = plan.compactMap { if case .run(let sink) = $0 { sink } else { nil } }
        let prepared = try Self.prepare(toRun, running: Set(running.keys), journal: journal,
                                        storageDirectory: storageDirectory, logger: logger)
        let planned = Set(plan.map(\.name))
        let replaced = Set(toRun.map(\.name)).intersection(running.keys)
        let removed = old.filter { !planned.contains($0.name) }
        Self.stopAll(removed + old.filter { replaced.contains($0.name) }) { d in
            d.stop(closingState: !replaced.contains(d.name))
        }
        let successors = Dictionary(prepared.map { p in
            let predecessor = running[p.configured.name]
            return (p.configured.name, makeDispatcher(p.configured, store: p.store ?? predecessor!.store, history: predecessor?.history))
        }, uniquingKeysWith: { a, _ in a })
        let next = plan.map { successors[$0.name] ?? running[$0.name]! }
        dispatchers.withLock { $0 = next }
        if started { for d in successors.values { d.start() } }
        for d in removed { metrics.remove(sink: d.name) }
        return (toRun.map(\.name).filter { running[$0] == nil }, toRun.map(\.name).filter { replaced.contains($0) },
                removed.map(\.name))
    }

    /// `history` nil: a new sink, or one named again after a reload removed it, starts an empty one.
    private func makeDispatcher(_ configured: ConfiguredSink, store: SinkStateStore, history: AttemptHistory?) -> SinkDispatcher {
        SinkDispatcher(
            configured: configured, journal: journal, store: store,
            history: history ?? AttemptHistory(capacity: options.attemptHistory), logger: logger, metrics: metrics, clock: clock,
            options: SinkDispatcher.Options(window: options.window, windowBytes: options.windowBytes,
                                            flushInterval: options.flushInterval))
    }

    /// A sink ready to run: its plugin opened and, unless a running dispatcher of the same name
    /// hands its state over, its state opened.
    private struct Prepared {
        let configured: ConfiguredSink
        let store: SinkStateStore?
    }

    /// Opens every plugin first, then the states of sinks not in `running`: a plugin that cannot
    /// open must leave no state behind, or a later reload adding the sink would resume it from
    /// this moment's journal end instead of its own. On a failure everything opened is closed.
    private static func prepare(_ sinks: [ConfiguredSink], running: Set<String>, journal: Journal,
                                storageDirectory: String, logger: Logger) throws(DeliveryError) -> [Prepared] {
        var opened: [ConfiguredSink] = []
        var prepared: [Prepared] = []
        do throws(DeliveryError) {
            for sink in sinks {
                do throws(SinkOpenError) {
                    try sink.sink.open()
                } catch {
                    throw DeliveryError.cannotStart(sink.name, reason: error.description)
                }
                opened.append(sink)
            }
            for sink in sinks {
                guard !running.contains(sink.name) else {
                    prepared.append(Prepared(configured: sink, store: nil))
                    continue
                }
                do throws(StoreError) {
                    let store = try SinkDispatcher.openState(sink: sink.name, journal: journal, storageDirectory: storageDirectory, logger: logger)
                    prepared.append(Prepared(configured: sink, store: store))
                } catch {
                    throw DeliveryError.cannotStart(sink.name, reason: "its state cannot be opened: \(error)")
                }
            }
        } catch {
            for sink in opened { sink.sink.close() }
            for p in prepared { p.store?.close() }
            throw error
        }
        return prepared
    }

    private static func checkNames(_ names: [String]) throws(DeliveryError) {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw DeliveryError.cannotStart(name, reason: "two sinks have this name")
        }
    }

    /// Sinks stop in parallel: one slow receiver must not hold up the others' final flush.
    private static func stopAll(_ dispatchers: [SinkDispatcher], _ stop: @escaping @Sendable (SinkDispatcher) -> Void) {
        let group = DispatchGroupBox()
        for d in dispatchers { group.run { stop(d) } }
        group.wait()
    }

    public func status() -> [SinkStatus] { dispatchers.withLock { $0 }.map { $0.status() } }

    /// Where one journal record stands at one sink, and the attempts its history holds for it.
    public struct RecordDelivery: Sendable {
        public let sink: String
        /// nil when the sink's filter does not take the event, so it is never delivered there.
        public let state: SinkState.RecordState?
        /// Oldest first (`AttemptHistory`); empty when none are recorded.
        public let attempts: [AttemptRecord]
    }

    /// The journal record at `position`, holding `event`, at each sink, in configuration order:
    /// one pass over one list of sinks, so a reload cannot pair a state with another sink's attempts.
    public func deliveries(of position: JournalPosition, event: StoredEvent) -> [RecordDelivery] {
        dispatchers.withLock { $0 }.map {
            RecordDelivery(sink: $0.name, state: $0.state(of: position, event: event), attempts: $0.history.records(at: position))
        }
    }

    /// The sink's `limit` most recent recorded attempts (`AttemptHistory`), newest first.
    public func attempts(sink: String, limit: Int) throws(DeliveryError) -> [AttemptRecord] {
        try dispatcher(sink).history.newest(limit)
    }

    /// The oldest journal position any sink still needs (its cursor or an older requeued record):
    /// journal segments wholly before it may go once retention allows
    /// (`journal.removeSegments(fullyBefore:olderThan:)`). nil when there are no sinks.
    public func retentionFloor() -> JournalPosition? {
        dispatchers.withLock { $0 }.compactMap { $0.oldestNeeded() }.min()
    }

    public func pause(_ sink: String, reason: String = "paused by an operator") throws(DeliveryError) {
        try operate(sink) { d throws(StoreError) in try d.pause(reason: reason) }
    }

    public func resume(_ sink: String) throws(DeliveryError) {
        try operate(sink) { d throws(StoreError) in try d.resume() }
    }

    /// Makes the sink's waiting retries due now, for when its receiver is back; returns how many.
    /// The durable schedule is left as it is.
    public func retryNow(sink: String) throws(DeliveryError) -> Int {
        try operate(sink) { d throws(StoreError) in d.retryNow() }
    }

    /// Re-enqueues the journal events matching `filter` (and the sink's own filter) that the sink
    /// already passed. Returns how many were requeued.
    public func replay(sink: String, filter: ReplayFilter) throws(DeliveryError) -> Int {
        // The scan reads the whole journal, so it runs outside the lifecycle lock (a reload or the
        // shutdown would wait for it); it is redone under the lock only if a reload replaced the
        // sink meanwhile, whose filter may differ.
        let scanned = try dispatcher(sink)
        let positions: [JournalPosition]
        do throws(StoreError) { positions = try scanned.replayCandidates(filter) } catch { throw .storage(error) }
        return try operate(sink) { d throws(StoreError) in
            try d.requeue(d === scanned ? positions : d.replayCandidates(filter))
        }
    }

    public func deadLetters(sink: String) throws(DeliveryError) -> [DeadLetter] {
        try dispatcher(sink).deadLetters()
    }

    /// Sends dead letters back for delivery (`ids` = their sequences; nil = all). Returns them.
    @discardableResult
    public func retryDeadLetters(sink: String, ids: Set<UInt64>? = nil) throws(DeliveryError) -> [DeadLetter] {
        try operate(sink) { d throws(StoreError) in try d.retryDeadLetters(ids: ids) }
    }

    @discardableResult
    public func dropDeadLetters(sink: String, ids: Set<UInt64>? = nil) throws(DeliveryError) -> [DeadLetter] {
        try operate(sink) { d throws(StoreError) in try d.dropDeadLetters(ids: ids) }
    }

    /// Runs an operator's change on a sink while no reload is replacing it: a change made on a
    /// dispatcher being replaced would reach the state file but not its successor's memory (a pause
    /// that only took effect after the next restart).
    private func operate<T>(_ sink: String, _ change: (SinkDispatcher) throws(StoreError) -> T) throws(DeliveryError) -> T {
        try lifecycle.withLock { _ throws(DeliveryError) -> T in
            let d = try dispatcher(sink)
            do throws(StoreError) { return try change(d) } catch { throw .storage(error) }
        }
    }

    /// Delivers `event` to the sink once, now, on the calling thread, outside the queue: no
    /// retry, no cursor, no dead letter (the admin "send test webhook" button).
    public func sendTest(sink: String, event: StoredEvent) throws(DeliveryError) -> DeliveryOutcome {
        try dispatcher(sink).configured.sink.deliver(event)
    }

    private func dispatcher(_ name: String) throws(DeliveryError) -> SinkDispatcher {
        guard let d = dispatchers.withLock({ $0.first { $0.name == name } }) else { throw .unknownSink(name, known: sinkNames) }
        return d
    }
}

public enum DeliveryError: Error, Sendable, CustomStringConvertible {
    case unknownSink(String, known: [String])
    case storage(StoreError)
    /// The sink could not be opened (its plugin or its state); nothing was started.
    case cannotStart(String, reason: String)

    public var description: String {
        switch self {
        case .unknownSink(let name, let known):
            "unknown sink '\(name)' (configured: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .storage(let error): "sink state storage failed: \(error)"
        case .cannotStart(let name, let reason): "sink '\(name)' cannot start: \(reason)"
        }
    }
}
