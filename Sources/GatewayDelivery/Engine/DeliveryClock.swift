// The time source of everything time-based in delivery (retry schedule, file rotation, ages), so
// tests control time instead of sleeping through it.

public import GatewayCore

public protocol DeliveryClock: Sendable {
    func now() -> Timestamp
}

/// Wall-clock time.
public struct SystemClock: DeliveryClock {
    public init() {}
    public func now() -> Timestamp { Timestamp.now() }
}
