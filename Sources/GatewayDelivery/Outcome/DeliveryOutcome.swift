// What one delivery attempt came to. Sinks report it; the engine alone decides what happens next
// (ack, schedule a retry, dead-letter, pause the sink).

public enum DeliveryOutcome: Sendable, Equatable, CustomStringConvertible {
    /// The sink has the event. `status` is the HTTP status for HTTP sinks.
    case delivered(status: Int?)
    /// Transient failure; try again. `after` is the receiver's `Retry-After` in seconds, if any.
    case retry(reason: String, after: Double?)
    /// The receiver will never take this event: dead-letter it at once.
    case permanent(reason: String)
    /// The endpoint is gone (HTTP 410): pause the whole sink until an operator resumes it.
    case gone(reason: String)

    public var description: String {
        switch self {
        case .delivered(let s): s.map { "delivered (HTTP \($0))" } ?? "delivered"
        case .retry(let r, let after): after.map { "retry after \($0)s: \(r)" } ?? "retry: \(r)"
        case .permanent(let r): "permanent failure: \(r)"
        case .gone(let r): "gone: \(r)"
        }
    }

    var isDelivered: Bool {
        if case .delivered = self { true } else { false }
    }

    /// The short label used in metrics and status (`delivered`, `retry`, `permanent`, `gone`).
    public var label: String {
        switch self {
        case .delivered: "delivered"
        case .retry: "retry"
        case .permanent: "permanent"
        case .gone: "gone"
        }
    }
}
