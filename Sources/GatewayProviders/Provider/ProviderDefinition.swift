// One kind of provider, as defined by a `providers/<id>.yaml` file: how its webhooks are verified,
// recognised as repeats and normalised, plus the golden fixtures that prove it. Immutable and
// Sendable: the runtime shares one value across every event loop.

public import GatewayCore

public struct ProviderDefinition: Sendable {
    public let id: String
    public let displayName: String
    /// The file it was loaded from (or a label for definitions built in code).
    public let file: String
    public let verification: any VerificationScheme
    /// Headers whose presence identifies this provider on the auto-detecting URL.
    public let detectionHeaders: [String]
    public let dedupe: DedupeRule
    public let normalizer: any Normalizer
    /// Canned answer bodies by vendor event name (compact JSON), e.g. Retell `call_inbound` → `{}`.
    public let responses: [String: [UInt8]]
    public let fixtures: [Fixture]

    public init(id: String, displayName: String, file: String, verification: any VerificationScheme,
                detectionHeaders: [String]? = nil, dedupe: DedupeRule, normalizer: any Normalizer,
                responses: [String: [UInt8]] = [:], fixtures: [Fixture] = []) {
        self.id = id
        self.displayName = displayName
        self.file = file
        self.verification = verification
        self.detectionHeaders = detectionHeaders ?? verification.detectionHeaders
        self.dedupe = dedupe
        self.normalizer = normalizer
        self.responses = responses
        self.fixtures = fixtures
    }

    /// parse → normalise → dedupe key → event id → envelope, for a webhook that already passed
    /// `verification`. A body that is not JSON throws (the runtime answers 400); an event the file
    /// does not list becomes `provider.unknown`. With `sessions`, a late lifecycle event is marked
    /// `stale: true` before the envelope is written. `verified`: what that verification returned,
    /// when kept (else the delivery id is read from the headers again).
    public func process(_ webhook: InboundWebhook, source: String, keepRaw: Bool, verified: Verified? = nil,
                        sessions: SessionStateTracker? = nil, traceparent: String? = nil) throws(NormalizationError) -> ProcessedWebhook {
        let payload: JSONDocument
        do { payload = try JSONDocument(parsing: webhook.body) } catch { throw NormalizationError(.notJSON(error)) }
        var event = try normalizer.normalize(payload, webhook: webhook, source: source)
        event.setOrigin(provider: id, source: source)
        let deliveryID = if let verified { verified.deliveryID } else { verification.deliveryID(of: webhook) }
        let key = dedupe.template(for: event.providerEvent)
            .render(event: event, payload: payload, webhook: webhook, deliveryID: deliveryID)
        let eventID = EventID.make(source: source, dedupeKey: key)
        let partitionKey = event.session.map { id + ":" + $0.id }
        if let sessions, sessions.observe(event) { event.stale = true }
        let envelope = EventEnvelope.write(event, id: eventID, partitionKey: partitionKey, raw: keepRaw ? webhook.body : nil,
                                           traceparent: traceparent)
        // `consume`: the optimiser does not move a mutated `var` this large into the result by
        // itself; it copied the event (a retain per string), then the whole result once more.
        let responseBody = responses[event.providerEvent]
        return ProcessedWebhook(event: consume event, eventID: eventID, dedupeKey: key, partitionKey: partitionKey,
                                envelope: envelope, responseBody: responseBody)
    }

    /// True when the request carries one of this provider's identifying headers.
    public func matches(_ headers: HeaderFields) -> Bool {
        detectionHeaders.contains { headers[$0] != nil }
    }
}

private extension MeetingEvent {
    /// What the normaliser cannot know. A method, not two assignments: after a string property of
    /// `event` is assigned in place, `consume event` does not compile (Swift 6.3: "'consume' applied
    /// to value that the compiler does not support").
    mutating func setOrigin(provider: String, source: String) {
        self.provider = provider
        self.source = source
    }
}
