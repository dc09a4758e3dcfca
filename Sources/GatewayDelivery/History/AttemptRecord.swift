// One delivery attempt as the admin API shows it: an attempt that failed, or the success that
// ended a series of failures (see `AttemptHistory` for why first-time successes are left out).

public import GatewayCore
public import GatewayStore

public struct AttemptRecord: Sendable, Equatable {
    /// Longest error text kept, in UTF-8 bytes. The reasons sinks give are short ("HTTP 503",
    /// "connect failed: Connection refused"), but a plugin's may not be, and the ring is bounded
    /// by count: capping each record is what bounds its bytes.
    public static let errorLimit = 512

    public var eventID: String
    public var position: JournalPosition
    /// 1 for the first attempt. Counts as the durable retry state does: it goes on across restarts
    /// and starts again at 1 when an operator sends the event back (replay, dead-letter retry).
    public var attempt: Int
    public var startedAt: Timestamp
    /// Seconds the sink's call took; for a sink that takes batches, the whole batch's call.
    public var duration: Double
    /// `DeliveryOutcome.label`: `delivered`, `retry`, `permanent` or `gone`. Timeouts and
    /// connection errors are `retry` (their kind is in `error`).
    public var outcome: String
    public var status: Int?
    /// The sink's reason, the same text the durable `lastError` of retries and dead letters keeps
    /// (sinks put no request data in it), cut at `errorLimit`; nil for a delivery.
    public var error: String?

    public init(eventID: String, position: JournalPosition, attempt: Int, startedAt: Timestamp, duration: Double,
                outcome: DeliveryOutcome) {
        self.eventID = eventID
        self.position = position
        self.attempt = attempt
        self.startedAt = startedAt
        self.duration = duration
        self.outcome = outcome.label
        status = outcome.httpStatus
        switch outcome {
        case .delivered: error = nil
        case .retry(let reason, _), .permanent(let reason), .gone(let reason): error = Self.bounded(reason)
        }
    }

    /// `text` cut on a character boundary so that it and the ellipsis fit `errorLimit` bytes.
    static func bounded(_ text: String) -> String {
        guard text.utf8.count > errorLimit else { return text }
        let ellipsis = "…"
        var end = text.startIndex
        var bytes = 0
        for i in text.indices {
            bytes += text[i].utf8.count
            guard bytes <= errorLimit - ellipsis.utf8.count else { break }
            end = text.index(after: i)
        }
        return text[..<end] + ellipsis
    }
}
