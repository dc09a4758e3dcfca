// Delivery's Prometheus metrics. Created once per process (families cannot be registered twice);
// a sink whose settings a reload changes keeps its counters (they are looked up by name).

public import GatewayCore
import Synchronization

public final class DeliveryMetrics: Sendable {
    let attempts: MetricFamily<Counter>
    let duration: MetricFamily<Histogram>
    let deadLettered: MetricFamily<Counter>
    private let statusSource = StatusSource()

    /// A reference, so the scrape-time closures can share it with `attach`.
    private final class StatusSource: Sendable {
        let read = Mutex<(@Sendable () -> [SinkStatus])?>(nil)
    }

    public init(registry: MetricsRegistry) {
        attempts = registry.counter("gateway_delivery_attempts_total", "Delivery attempts by sink and outcome", labels: ["sink", "outcome"])
        duration = registry.histogram("gateway_delivery_duration_seconds", "Time one delivery attempt took", labels: ["sink"])
        deadLettered = registry.counter("gateway_delivery_dead_lettered_total", "Events moved to a sink's dead letters", labels: ["sink"])
        let source = statusSource
        func gauge(_ name: String, _ help: String, _ value: @escaping @Sendable (SinkStatus) -> Double) {
            registry.computed(name, help) {
                let statuses = source.read.withLock { $0 }?() ?? []
                return statuses.map { ([("sink", $0.name)], value($0)) }
            }
        }
        gauge("gateway_delivery_queue_depth", "Events loaded for a sink and not yet delivered") { Double($0.queueDepth) }
        gauge("gateway_delivery_oldest_undelivered_seconds", "Age of the oldest undelivered event") { $0.oldestUndeliveredAge ?? 0 }
        gauge("gateway_delivery_dead_letters", "Events in a sink's dead letters") { Double($0.deadLetters) }
        gauge("gateway_delivery_paused", "1 when the sink is paused") { $0.paused == nil ? 0 : 1 }
    }

    /// One sink's counters, looked up once: a family lookup hashes the label values under a lock,
    /// which per delivered event was a measurable share of delivery's CPU.
    struct SinkChildren: Sendable {
        let delivered, retry, permanent, gone: Counter
        let duration: Histogram
        let deadLettered: Counter

        func attempts(_ outcome: DeliveryOutcome) -> Counter {
            switch outcome {
            case .delivered: delivered
            case .retry: retry
            case .permanent: permanent
            case .gone: gone
            }
        }
    }

    /// One outcome of each kind, for its `label`: the children `children(sink:)` makes and
    /// `remove(sink:)` drops.
    private static let outcomes: [DeliveryOutcome] = [.delivered(status: nil), .retry(reason: "", after: nil), .permanent(reason: ""), .gone(reason: "")]

    func children(sink: String) -> SinkChildren {
        let counters = Self.outcomes.map { attempts.labels(sink, $0.label) }
        return SinkChildren(delivered: counters[0], retry: counters[1], permanent: counters[2], gone: counters[3],
                            duration: duration.labels(sink), deadLettered: deadLettered.labels(sink))
    }

    /// Drops a removed sink's counters: a sink the configuration no longer names exports nothing,
    /// as after a restart (its gauges already went with its status). Named again, it counts from 0.
    func remove(sink: String) {
        for outcome in Self.outcomes { attempts.remove([sink, outcome.label]) }
        duration.remove([sink])
        deadLettered.remove([sink])
    }

    /// A registry of its own, for tests and tools.
    public convenience init() { self.init(registry: MetricsRegistry()) }

    /// The engine whose status the gauges read.
    func attach(_ status: @escaping @Sendable () -> [SinkStatus]) {
        statusSource.read.withLock { $0 = status }
    }
}
