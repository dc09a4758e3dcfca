// HTTP status → delivery outcome, and Retry-After in both of its forms.

import Testing
import GatewayCore
@testable import GatewayDelivery

@Test(arguments: [200, 201, 202, 204, 299])
func twoHundredsAreDelivered(status: Int) {
    #expect(DeliveryOutcome.classify(status: status, headers: HeaderFields(), now: t0) == .delivered(status: status))
}

@Test(arguments: [301, 302, 307, 308, 500, 502, 504, 408])
func redirectsServerErrorsAndTimeoutsRetry(status: Int) {
    guard case .retry(_, let after) = DeliveryOutcome.classify(status: status, headers: HeaderFields([("Retry-After", "9")]), now: t0) else {
        Issue.record("HTTP \(status) should retry"); return
    }
    #expect(after == nil)  // only 429 and 503 honour Retry-After
}

@Test(arguments: [429, 503])
func tooManyRequestsAndUnavailableHonourRetryAfter(status: Int) {
    let h = HeaderFields([("Retry-After", "120")])
    #expect(DeliveryOutcome.classify(status: status, headers: h, now: t0) == .retry(reason: "HTTP \(status)", after: 120))
    #expect(DeliveryOutcome.classify(status: status, headers: HeaderFields(), now: t0) == .retry(reason: "HTTP \(status)", after: nil))
}

@Test func goneIsItsOwnOutcome() {
    #expect(DeliveryOutcome.classify(status: 410, headers: HeaderFields(), now: t0) == .gone(reason: "HTTP 410 Gone"))
}

@Test(arguments: [400, 401, 403, 404, 413, 422])
func otherClientErrorsDeadLetterUnlessConfiguredToRetry(status: Int) {
    #expect(DeliveryOutcome.classify(status: status, headers: HeaderFields(), now: t0) == .permanent(reason: "HTTP \(status)"))
    #expect(DeliveryOutcome.classify(status: status, headers: HeaderFields(), now: t0, onClientError: .retry)
        == .retry(reason: "HTTP \(status)", after: nil))
}

@Test func retryAfterParsesDelaySeconds() {
    #expect(RetryAfter.seconds(from: "0", now: t0) == 0)
    #expect(RetryAfter.seconds(from: " 30 ", now: t0) == 30)
    #expect(RetryAfter.seconds(from: "-5", now: t0) == nil)
    #expect(RetryAfter.seconds(from: "1.5", now: t0) == nil)
    #expect(RetryAfter.seconds(from: "", now: t0) == nil)
    #expect(RetryAfter.seconds(from: "99999999999999999999", now: t0) == 999_999_999)
}

@Test func retryAfterParsesAllThreeHTTPDateForms() {
    // 1994-11-06T08:49:37Z = 784111777
    let expected = Timestamp(seconds: 784_111_777)
    #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
    #expect(RetryAfter.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == expected)
    #expect(RetryAfter.httpDate("Sun Nov  6 08:49:37 1994") == expected)
    #expect(RetryAfter.httpDate("Sun, 06 Foo 1994 08:49:37 GMT") == nil)
    #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 25:49:37 GMT") == nil)
    #expect(RetryAfter.httpDate("tomorrow") == nil)
}

@Test func retryAfterDateIsRelativeToNowAndNeverNegative() {
    let now = Timestamp(seconds: 784_111_777 - 90)
    #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:49:37 GMT", now: now) == 90)
    #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:49:37 GMT", now: now.adding(seconds: 1000)) == 0)
    // Leap-year arithmetic: 2024-02-29 exists.
    #expect(RetryAfter.httpDate("Thu, 29 Feb 2024 00:00:00 GMT") == Timestamp(seconds: 1_709_164_800))
}
