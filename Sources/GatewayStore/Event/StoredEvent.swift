// One journal record: the normalised event as sinks receive it (the CloudEvents envelope, already
// serialised once at ingest) plus the raw request, kept for audit and re-normalisation. The fields
// delivery filters and orders on are stored alongside the envelope so it never parses JSON to route.

public import GatewayCore

public struct StoredEvent: Sendable, Equatable {
    /// Gateway event id (CloudEvents `id`; deterministic from source + dedupe key).
    public var id: String
    /// Configured source name, e.g. `recall-eu`.
    public var source: String
    /// Provider id, e.g. `recall`.
    public var provider: String
    /// Normalised type, e.g. `session.completed`.
    public var type: String
    /// The vendor's own event name, e.g. `bot.done`.
    public var providerEvent: String
    /// The provider's dedupe key for this delivery: lets the dedupe index be checked or rebuilt from
    /// the journal.
    public var dedupeKey: String
    public var sessionID: String?
    /// `<provider>:<session id>`: events sharing it are delivered in order.
    public var partitionKey: String?
    public var occurredAt: Timestamp?
    public var receivedAt: Timestamp
    /// The CloudEvents structured-mode JSON, exactly as sinks send it.
    public var envelope: [UInt8]
    public var requestHeaders: HeaderFields
    public var requestBody: [UInt8]
    /// Propagated to sinks as `X-Request-Id` and `traceparent`.
    public var requestID: String?
    public var traceparent: String?

    public init(
        id: String, source: String, provider: String, type: String, providerEvent: String, dedupeKey: String,
        sessionID: String? = nil, partitionKey: String? = nil, occurredAt: Timestamp? = nil, receivedAt: Timestamp,
        envelope: [UInt8], requestHeaders: HeaderFields = HeaderFields(), requestBody: [UInt8] = [],
        requestID: String? = nil, traceparent: String? = nil
    ) {
        self.id = id
        self.source = source
        self.provider = provider
        self.type = type
        self.providerEvent = providerEvent
        self.dedupeKey = dedupeKey
        self.sessionID = sessionID
        self.partitionKey = partitionKey
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.envelope = envelope
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.requestID = requestID
        self.traceparent = traceparent
    }
}
