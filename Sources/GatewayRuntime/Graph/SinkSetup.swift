// One configured sink: the configuration's envelope (filter, retry, ordering, concurrency) joined
// with the plugin the delivery module decoded from the sink's own keys.

import GatewayConfig
import GatewayCore
import GatewayDelivery

struct SinkSetup: Sendable {
    let envelope: SinkEnvelope
    let configured: ConfiguredSink
    /// What the sink's plugin resolved its secrets (`${env:…}`, `${file:…}`) to when it was built,
    /// read once, by the plugin: a reload restarts a sink whose YAML reads the same but whose
    /// secret changed (a rotated key file). Compared, never printed.
    let secretValues: [SecretValue?]

    /// A one-line description for `check` (type-specific keys are the plugin's; the envelope's are ours).
    var summary: String {
        var parts: [String] = []
        let f = envelope.filter
        if !f.providers.isEmpty { parts.append("providers=\(f.providers.joined(separator: ","))") }
        if !f.sources.isEmpty { parts.append("sources=\(f.sources.joined(separator: ","))") }
        if !f.types.isEmpty { parts.append("types=\(f.types.joined(separator: ","))") }
        if !f.sessions.isEmpty { parts.append("sessions=\(f.sessions.joined(separator: ","))") }
        if parts.isEmpty { parts.append("all events") }
        parts.append("ordering=\(envelope.ordering.rawValue)")
        parts.append("concurrency=\(envelope.concurrency)")
        return parts.joined(separator: "  ")
    }

    static func build(_ envelopes: [SinkEnvelope], registry: SinkRegistry = .builtIn, logger: Logger,
                      diagnostics: ConfigDiagnostics) -> [SinkSetup] {
        envelopes.compactMap { e in
            let context = SinkContext(
                name: e.name, concurrency: e.concurrency, onClientError: e.retry.policy.onClientError,
                logger: logger.with("sink", e.name))
            let secretsBefore = diagnostics.resolvedSecrets.count
            guard let sink = registry.makeSink(type: e.type, typeLocation: e.typeLocation,
                                               reader: e.reader(diagnostics: diagnostics), context: context) else { return nil }
            let filter = EventFilter(providers: e.filter.providers, sources: e.filter.sources,
                                     types: e.filter.types, sessions: e.filter.sessions)
            let ordering: ConfiguredSink.Ordering = e.ordering == .none ? .none : .perSession
            return SinkSetup(envelope: e, configured: ConfiguredSink(
                sink: sink, filter: filter, retry: e.retry.policy, ordering: ordering, concurrency: e.concurrency),
                secretValues: Array(diagnostics.resolvedSecrets[secretsBefore...]))
        }
    }
}

extension SinkEnvelope.Retry {
    var policy: RetryPolicy {
        let backoff: RetryPolicy.Backoff
        switch self.backoff {
        case .schedule(let delays): backoff = .schedule(delays.map(\.seconds))
        case .exponential(let base, let cap, let maxAge): backoff = .exponential(base: base.seconds, cap: cap.seconds, maxAge: maxAge.seconds)
        }
        return RetryPolicy(backoff: backoff, jitter: jitter, onClientError: on4xx == .retry ? .retry : .deadLetter)
    }
}
