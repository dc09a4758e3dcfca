// Retry schedule arithmetic: schedule lists, exponential backoff, jitter bounds, give-up rules.

import Testing
import GatewayCore
@testable import GatewayDelivery

let t0 = Timestamp(seconds: 1_700_000_000)

@Test func defaultScheduleFollowsStandardWebhooksAndCoversThreeDays() {
    let p = RetryPolicy(backoff: .schedule(RetryPolicy.standardWebhooksDelays), jitter: 0)
    let delays = (1...9).map { p.delay(afterAttempt: $0, firstAttemptAt: t0, now: t0) }
    #expect(delays == [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400])
    #expect(RetryPolicy.standardWebhooksDelays.reduce(0, +) >= 3 * 86400)
    #expect(RetryPolicy.default.jitter == 0.2)
}

@Test func scheduleGivesUpWhenTheListIsUsedUp() {
    let p = RetryPolicy(backoff: .schedule([0.05, 0.05]), jitter: 0)
    #expect(p.delay(afterAttempt: 2, firstAttemptAt: t0, now: t0) == 0.05)
    #expect(p.delay(afterAttempt: 3, firstAttemptAt: t0, now: t0) == nil)
}

@Test func exponentialDoublesUpToTheCap() {
    let p = RetryPolicy(backoff: .exponential(base: 1, cap: 10, maxAge: 1e9), jitter: 0)
    let delays = (1...6).map { p.delay(afterAttempt: $0, firstAttemptAt: t0, now: t0)! }
    #expect(delays == [1, 2, 4, 8, 10, 10])
    // Very high attempt counts stay finite.
    #expect(p.delay(afterAttempt: 5000, firstAttemptAt: t0, now: t0) == 10)
}

@Test func exponentialGivesUpPastMaxAge() {
    let p = RetryPolicy(backoff: .exponential(base: 60, cap: 3600, maxAge: 3 * 3600), jitter: 0)
    #expect(p.delay(afterAttempt: 3, firstAttemptAt: t0, now: t0.adding(seconds: 3600)) == 240)
    // The next attempt would land past three hours after the first one.
    #expect(p.delay(afterAttempt: 3, firstAttemptAt: t0, now: t0.adding(seconds: 3 * 3600 - 100)) == nil)
}

@Test func jitterStaysWithinItsBoundsAndVaries() {
    let p = RetryPolicy(backoff: .schedule([100]), jitter: 0.2)
    var g = SystemRandomNumberGenerator()
    var delays: [Double] = []
    for _ in 0..<2000 {
        delays.append(p.delay(afterAttempt: 1, firstAttemptAt: t0, now: t0, using: &g)!)
    }
    #expect(delays.allSatisfy { $0 >= 80 && $0 <= 120 })
    // Uniform over ±20%: 2000 samples reach close to both ends (failing odds ≈ e^-100).
    #expect(delays.min()! < 82 && delays.max()! > 118)
    // Zero stays zero: an immediate retry is not pushed later by jitter.
    let zero = RetryPolicy(backoff: .schedule([0]), jitter: 0.2)
    #expect(zero.delay(afterAttempt: 1, firstAttemptAt: t0, now: t0) == 0)
}

@Test func retryAfterReplacesTheDelayButNotTheGiveUp() {
    let p = RetryPolicy(backoff: .schedule([5, 5]), jitter: 0.2)
    #expect(p.delay(afterAttempt: 1, firstAttemptAt: t0, now: t0, retryAfter: 42) == 42)
    #expect(p.delay(afterAttempt: 3, firstAttemptAt: t0, now: t0, retryAfter: 42) == nil)
}
