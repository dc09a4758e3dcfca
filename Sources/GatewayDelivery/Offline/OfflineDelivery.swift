// The CLI's `replay` and `dead-letters list|retry|drop` on a stopped gateway: they work on the
// storage directory directly and leave the result in the sink's durable state, so the next
// `serve` delivers it. Each takes the storage lock first; a running gateway holds it, and the
// `.storage(.locked)` error tells the CLI to use the admin API instead.

public import GatewayCore
public import GatewayStore

public enum OfflineDelivery {
    /// Requeues the journal events the sink has already passed that match `filter` and
    /// `sinkFilter` (pass the sink's configured filter). Events after its cursor are still
    /// pending and are delivered anyway; they are not counted. Returns the number requeued.
    public static func replay(storageDirectory: String, sink: String, filter: ReplayFilter, sinkFilter: EventFilter = .all,
                              logger: Logger = .silent) throws(DeliveryError) -> Int {
        try withState(storageDirectory, sink, logger) { (store) throws(StoreError) -> Int in
            let journal = try Journal(directory: storageDirectory, logger: logger)
            defer { journal.close() }
            let state = store.state
            let already = Set(state.requeued)
            let positions = try SinkDispatcher.matchingPositions(
                in: journal, before: state.cursor ?? journal.end, sinkFilter: sinkFilter, filter: filter
            ).filter { !already.contains($0) }
            try store.update(positions.map { .requeue($0) })
            return positions.count
        }
    }

    public static func deadLetters(storageDirectory: String, sink: String, logger: Logger = .silent) throws(DeliveryError) -> [DeadLetter] {
        try withState(storageDirectory, sink, logger) { (store) throws(StoreError) -> [DeadLetter] in store.deadLetters }
    }

    /// Moves the chosen dead letters (sequences; nil = all) to the sink's requeued list.
    @discardableResult
    public static func retryDeadLetters(storageDirectory: String, sink: String, ids: Set<UInt64>? = nil,
                                        logger: Logger = .silent) throws(DeliveryError) -> [DeadLetter] {
        try withState(storageDirectory, sink, logger) { (store) throws(StoreError) -> [DeadLetter] in
            try store.removeDeadLetters(requeue: true) { ids?.contains($0.sequence) ?? true }
        }
    }

    @discardableResult
    public static func dropDeadLetters(storageDirectory: String, sink: String, ids: Set<UInt64>? = nil,
                                       logger: Logger = .silent) throws(DeliveryError) -> [DeadLetter] {
        try withState(storageDirectory, sink, logger) { (store) throws(StoreError) -> [DeadLetter] in
            try store.removeDeadLetters(requeue: false) { ids?.contains($0.sequence) ?? true }
        }
    }

    /// Locks the storage, opens the sink's state (only if the sink has state: a typo must not
    /// create a directory), runs `body`, and releases everything.
    private static func withState<T>(_ storageDirectory: String, _ sink: String, _ logger: Logger,
                                     _ body: (SinkStateStore) throws(StoreError) -> T) throws(DeliveryError) -> T {
        let lock: StorageLock
        do { lock = try StorageLock(directory: storageDirectory) } catch { throw .storage(error) }
        defer { lock.release() }
        let known: [String]
        do { known = try SinkStateStore.sinkNames(in: storageDirectory) } catch { throw .storage(error) }
        guard known.contains(sink) else { throw .unknownSink(sink, known: known) }
        do throws(StoreError) {
            let store = try SinkStateStore(directory: storageDirectory, sink: sink, logger: logger)
            defer { store.close() }
            return try body(store)
        } catch {
            throw .storage(error)
        }
    }
}
