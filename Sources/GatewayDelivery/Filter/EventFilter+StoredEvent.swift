// Applying a sink filter to a journalled event: uses the routing fields stored beside the
// envelope, so filtering never parses JSON.

public import GatewayStore

extension EventFilter {
    public func matches(_ event: StoredEvent) -> Bool {
        matches(provider: event.provider, source: event.source, type: event.type, session: event.sessionID)
    }
}
