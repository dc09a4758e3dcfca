// One journal record: the normalised event as sinks receive it (the CloudEvents envelope, already
// serialised once at ingest) plus the raw request, kept for audit and re-normalisation. The fields
// delivery filters and orders on are stored alongside the envelope so it never parses JSON to route.
//
// The fields live in one immutable reference-counted box: an event is copied many times on its
// way (journal queue, memory tail, delivery window, batches), and as a plain struct of a dozen
// strings and arrays each copy cost a dozen retains and releases (~4% of the gateway's CPU under W1).
// Immutable, not copy-on-write, because only tests and `withoutRequest` change an event once made,
// while readers that go through `fields` (the encoder) borrow a `let` in place: from a `var` in a
// class the compiler copies the whole struct first, a retain per string.
// Each field is a get/set pair over the box: `@dynamicMemberLookup` would write them once, but its
// key paths do not inline across modules and the ingest path reads these fields on every event.

public import GatewayCore

public struct StoredEvent: Sendable, Equatable {
    struct Fields: Sendable, Equatable {
        var id: String
        var source: String
        var provider: String
        var type: String
        var providerEvent: String
        var dedupeKey: String
        var sessionID: String?
        var partitionKey: String?
        var occurredAt: Timestamp?
        var receivedAt: Timestamp
        var envelope: [UInt8]
        var requestHeaders: HeaderFields
        var requestBody: [UInt8]
        var requestID: String?
        var traceparent: String?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    /// The fields in place, without a copy.
    var fields: Fields { box.fields }

    /// What a setter does: a new box with the change applied (other copies of this event keep theirs).
    mutating func change(_ apply: (inout Fields) -> Void) {
        var changed = box.fields
        apply(&changed)
        box = Box(changed)
    }

    public static func == (a: StoredEvent, b: StoredEvent) -> Bool { a.box === b.box || a.box.fields == b.box.fields }

    /// Gateway event id (CloudEvents `id`; deterministic from source + dedupe key).
    public var id: String { get { box.fields.id } set { change { $0.id = newValue } } }
    /// Configured source name, e.g. `recall-eu`.
    public var source: String { get { box.fields.source } set { change { $0.source = newValue } } }
    /// Provider id, e.g. `recall`.
    public var provider: String { get { box.fields.provider } set { change { $0.provider = newValue } } }
    /// Normalised type, e.g. `session.completed`.
    public var type: String { get { box.fields.type } set { change { $0.type = newValue } } }
    /// The vendor's own event name, e.g. `bot.done`.
    public var providerEvent: String { get { box.fields.providerEvent } set { change { $0.providerEvent = newValue } } }
    /// The provider's dedupe key for this delivery: lets the dedupe index be checked or rebuilt from
    /// the journal.
    public var dedupeKey: String { get { box.fields.dedupeKey } set { change { $0.dedupeKey = newValue } } }
    public var sessionID: String? { get { box.fields.sessionID } set { change { $0.sessionID = newValue } } }
    /// `<provider>:<session id>`: events sharing it are delivered in order.
    public var partitionKey: String? { get { box.fields.partitionKey } set { change { $0.partitionKey = newValue } } }
    public var occurredAt: Timestamp? { get { box.fields.occurredAt } set { change { $0.occurredAt = newValue } } }
    public var receivedAt: Timestamp { get { box.fields.receivedAt } set { change { $0.receivedAt = newValue } } }
    /// The CloudEvents structured-mode JSON, exactly as sinks send it.
    public var envelope: [UInt8] { get { box.fields.envelope } set { change { $0.envelope = newValue } } }
    public var requestHeaders: HeaderFields { get { box.fields.requestHeaders } set { change { $0.requestHeaders = newValue } } }
    public var requestBody: [UInt8] { get { box.fields.requestBody } set { change { $0.requestBody = newValue } } }
    /// Propagated to sinks as `X-Request-Id` and `traceparent`.
    public var requestID: String? { get { box.fields.requestID } set { change { $0.requestID = newValue } } }
    public var traceparent: String? { get { box.fields.traceparent } set { change { $0.traceparent = newValue } } }

    public init(
        id: String, source: String, provider: String, type: String, providerEvent: String, dedupeKey: String,
        sessionID: String? = nil, partitionKey: String? = nil, occurredAt: Timestamp? = nil, receivedAt: Timestamp,
        envelope: [UInt8], requestHeaders: HeaderFields = HeaderFields(), requestBody: [UInt8] = [],
        requestID: String? = nil, traceparent: String? = nil
    ) {
        box = Box(Fields(
            id: id, source: source, provider: provider, type: type, providerEvent: providerEvent, dedupeKey: dedupeKey,
            sessionID: sessionID, partitionKey: partitionKey, occurredAt: occurredAt, receivedAt: receivedAt,
            envelope: envelope, requestHeaders: requestHeaders, requestBody: requestBody, requestID: requestID,
            traceparent: traceparent))
    }
}
