// The ingress's metrics: families registered once per process and shared by every graph, so a
// reload keeps the counts.

import GatewayCore

struct IngressMetrics: Sendable {
    let requests: MetricFamily<Counter>
    let verificationFailures: MetricFamily<Counter>
    let duplicates: MetricFamily<Counter>
    let ingestSeconds: MetricFamily<Histogram>

    init(registry: MetricsRegistry) {
        requests = registry.counter("gateway_requests_total", "Webhook requests answered, by source and HTTP status.", labels: ["source", "status"])
        verificationFailures = registry.counter(
            "gateway_verification_failures_total", "Webhooks refused with 401, by source and reason.", labels: ["source", "reason"])
        duplicates = registry.counter("gateway_duplicates_total", "Redelivered webhooks answered 200 without a new event.", labels: ["source"])
        ingestSeconds = registry.histogram(
            "gateway_ingest_duration_seconds", "From a complete request to its answer (verify, normalise, dedupe, journal).", labels: ["source"])
    }
}

extension IngressMetrics {
    /// One source's metrics on the success path, looked up once per routing graph: a family lookup
    /// hashes the label values under a lock, a visible cost when paid twice per webhook.
    struct SourceChildren: Sendable {
        let accepted: Counter
        let ingestSeconds: Histogram
    }

    func children(source: String) -> SourceChildren {
        SourceChildren(accepted: requests.labels(source, "200"), ingestSeconds: ingestSeconds.labels(source))
    }
}
