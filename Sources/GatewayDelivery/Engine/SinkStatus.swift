// What the admin API and metrics show about one sink.

import GatewayCore
public import GatewayStore

public struct SinkStatus: Sendable, Equatable {
    public var name: String
    /// Events loaded and not yet delivered or dead-lettered (including ones waiting to retry).
    public var queueDepth: Int
    /// Deliveries in flight right now.
    public var inFlight: Int
    /// Of `queueDepth`, events that failed at least once and wait for their next attempt.
    public var retrying: Int
    /// Seconds since the gateway received the oldest undelivered event, nil when none.
    public var oldestUndeliveredAge: Double?
    /// Whether journal records remain that the sink has not even loaded yet.
    public var behindJournal: Bool
    public var paused: PauseState?
    public var deadLetters: Int
    /// Attempts since start, by outcome label (`delivered`, `retry`, `permanent`, `gone`).
    public var attempts: [String: Int]
    /// The durable cursor: everything before it is done.
    public var cursor: JournalPosition?
}
