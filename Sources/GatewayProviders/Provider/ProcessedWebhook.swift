// What the ingress gets back for one verified webhook: the event, its identity for dedupe and
// ordering, and the envelope bytes ready to journal and deliver.

public import GatewayCore

/// Made only by `ProviderDefinition.process`, with the memberwise init: an explicit init assigns
/// each property through `self`, and the optimiser then copied the whole value on its way out (a
/// retain and a release per string, per webhook).
public struct ProcessedWebhook: Sendable {
    public var event: MeetingEvent
    /// Deterministic from source + dedupe key (see `EventID`): equal for a redelivery. Because it
    /// is scoped by source, it is the value to dedupe on.
    public var eventID: String
    /// The provider-level dedupe key the id was made from (not source-scoped), for logs and tests.
    public var dedupeKey: String
    /// `<provider>:<session id>` when the event has a session: events with one key keep their order.
    public var partitionKey: String?
    /// CloudEvents 1.0 structured JSON (docs/EVENT-SCHEMA.md).
    public var envelope: [UInt8]
    /// The body to answer with when the provider file defines one for this event (Retell
    /// `call_inbound`); a source's own configured response takes precedence in the runtime.
    public var responseBody: [UInt8]?
}
