// Applying a sink filter to a journalled event: uses the routing fields stored beside the
// envelope, so filtering never parses JSON.

public import GatewayStore

extension EventFilter {
    public func matches(_ event: StoredEvent) -> Bool {
        // Most sinks take everything: skip reading four fields (a retain and release each) per event.
        acceptsEverything || matches(provider: event.provider, source: event.source, type: event.type, session: event.sessionID)
    }
}
