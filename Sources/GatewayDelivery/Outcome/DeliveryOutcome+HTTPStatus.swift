// The HTTP status etiquette of webhook delivery: 2xx is done; 3xx (redirects are not followed, a
// moved receiver must be reconfigured), 5xx, 408 and 429 are transient; 429 and 503 carry
// `Retry-After`; 410 means the receiver is gone for good; any other 4xx is a rejection of this event.

public import GatewayCore

extension DeliveryOutcome {
    public static func classify(
        status: Int, headers: HeaderFields, now: Timestamp,
        onClientError: RetryPolicy.ClientErrorHandling = .deadLetter
    ) -> DeliveryOutcome {
        switch status {
        case 200...299:
            return .delivered(status: status)
        case 410:
            return .gone(reason: "HTTP 410 Gone")
        case 429, 503:
            let after = headers["retry-after"].flatMap { RetryAfter.seconds(from: $0, now: now) }
            return .retry(reason: "HTTP \(status)", after: after)
        case 408:
            // Request Timeout is the receiver saying "too slow this time", not "bad event".
            return .retry(reason: "HTTP 408", after: nil)
        case 400...499:
            switch onClientError {
            case .deadLetter: return .permanent(reason: "HTTP \(status)")
            case .retry: return .retry(reason: "HTTP \(status)", after: nil)
            }
        default:
            return .retry(reason: "HTTP \(status)", after: nil)
        }
    }
}

extension DeliveryOutcome {
    /// The HTTP status behind an outcome, for dead letters and logs (`classify` names it first
    /// in every reason it writes: "HTTP 503").
    public var httpStatus: Int? {
        switch self {
        case .delivered(let status): return status
        case .retry(let reason, _), .permanent(let reason), .gone(let reason):
            guard reason.hasPrefix("HTTP "), reason.utf8.count >= 8 else { return nil }
            return Int(reason.dropFirst(5).prefix(3))
        }
    }
}
