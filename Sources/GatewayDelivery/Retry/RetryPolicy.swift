// When to try a failed delivery again, and when to stop and dead-letter it. Pure arithmetic over
// attempt counts and times, so the schedule can be tested without waiting for it.

public import GatewayCore

public struct RetryPolicy: Sendable, Equatable {
    public enum Backoff: Sendable, Equatable {
        /// After the n-th failed attempt wait `delays[n-1]`; when the list is used up, give up.
        /// The first attempt is always immediate.
        case schedule([Double])
        /// After the n-th failed attempt wait `min(cap, base · 2^(n-1))`; give up when the next
        /// attempt would fall more than `maxAge` after the first one.
        case exponential(base: Double, cap: Double, maxAge: Double)
    }

    /// What a 4xx other than 410/429 means for this sink.
    public enum ClientErrorHandling: String, Sendable, Equatable {
        /// The receiver rejected the event itself: retrying the same bytes will not help.
        case deadLetter = "dead_letter"
        /// Treat it as transient (receivers that answer 4xx while they deploy).
        case retry
    }

    public var backoff: Backoff
    /// Fraction of each delay added or removed at random (0.2 → ±20%), so that a receiver that
    /// comes back is not hit by every queued retry in the same instant.
    public var jitter: Double
    public var onClientError: ClientErrorHandling

    public init(backoff: Backoff, jitter: Double = 0.2, onClientError: ClientErrorHandling = .deadLetter) {
        self.backoff = backoff
        self.jitter = max(0, min(1, jitter))
        self.onClientError = onClientError
    }

    /// Close to Standard Webhooks' published schedule: immediately, then 5 s, 5 min, 30 min, 2 h,
    /// 5 h, 10 h, 14 h, 20 h, 24 h — ten attempts over a little more than three days.
    public static let standardWebhooksDelays: [Double] = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]

    public static let `default` = RetryPolicy(backoff: .schedule(standardWebhooksDelays))

    /// The delay in seconds before the next attempt, or nil to give up (→ dead letter).
    /// - Parameters:
    ///   - attempt: attempts made so far, all failed (1 after the first failure).
    ///   - firstAttemptAt: when the first attempt was made (for `maxAge`).
    ///   - retryAfter: a receiver's `Retry-After`, which replaces the computed delay (without
    ///     jitter: the receiver named the time) but not the give-up rules.
    public func delay<R: RandomNumberGenerator>(
        afterAttempt attempt: Int, firstAttemptAt: Timestamp, now: Timestamp,
        retryAfter: Double? = nil, using random: inout R
    ) -> Double? {
        guard attempt >= 1 else { return 0 }
        let base: Double
        switch backoff {
        case .schedule(let delays):
            guard attempt <= delays.count else { return nil }
            base = delays[attempt - 1]
        case .exponential(let b, let cap, _):
            // 2^(n-1) overflows Double only past n≈1024; clamp the exponent well before that.
            let factor = Double(1 << UInt64(min(attempt - 1, 60)))
            base = min(cap, b * factor)
        }
        var delay: Double
        if let retryAfter {
            delay = max(0, retryAfter)
        } else if jitter > 0, base > 0 {
            delay = base * (1 + Double.random(in: -jitter...jitter, using: &random))
        } else {
            delay = base
        }
        delay = max(0, delay)
        if case .exponential(_, _, let maxAge) = backoff {
            if now.adding(seconds: delay).seconds(since: firstAttemptAt) > maxAge { return nil }
        }
        return delay
    }

    public func delay(afterAttempt attempt: Int, firstAttemptAt: Timestamp, now: Timestamp, retryAfter: Double? = nil) -> Double? {
        var g = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, firstAttemptAt: firstAttemptAt, now: now, retryAfter: retryAfter, using: &g)
    }
}
