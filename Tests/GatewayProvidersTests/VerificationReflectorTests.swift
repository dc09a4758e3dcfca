// Reflector: `X-Webhook-Signature: t=<unix s>,v1=<hex>` over `t.body`, secret as UTF-8.

import GatewayCore
import GatewayProviders
import Testing

private let secret = "test-webhook-secret"
private let body = #"{"event":"test","event_id":"0123456789abcdef0123456789abcdef","timestamp":"2025-08-27T12:34:56.789012Z","message":"This is a test webhook from Reflector","room":{"id":"room-789","name":"Product Team Room"}}"#
private let header = "t=1756298096,v1=513891b6f40caefb5549fcae13c85a2481b2af1588035325fa312ead23f3b316"
private let now = Timestamp(seconds: 1_756_298_096)

@Suite struct VerificationReflectorTests {
    let scheme: any VerificationScheme

    init() throws { scheme = try decodeScheme(VerifyYAML.reflector) }

    @Test func vectorPasses() {
        #expect(failure(scheme, webhook([("X-Webhook-Signature", header)], body), secrets: [secret], now: now) == nil)
    }

    @Test func itemOrderDoesNotMatter() {
        let swapped = "v1=513891b6f40caefb5549fcae13c85a2481b2af1588035325fa312ead23f3b316,t=1756298096"
        #expect(failure(scheme, webhook([("x-webhook-signature", swapped)], body), secrets: [secret], now: now) == nil)
    }

    @Test func tamperedBodyWrongSecretAndShiftedTimestampFail() {
        #expect(failure(scheme, webhook([("x-webhook-signature", header)], body + "\n"), secrets: [secret], now: now)?.isMismatch == true)
        #expect(failure(scheme, webhook([("x-webhook-signature", header)], body), secrets: ["other"], now: now)?.isMismatch == true)
        let shifted = header.replacingOccurrences(of: "t=1756298096", with: "t=1756298097")
        #expect(failure(scheme, webhook([("x-webhook-signature", shifted)], body), secrets: [secret], now: now)?.isMismatch == true)
    }

    @Test func staleAndFutureTimestampsFail() {
        let hook = webhook([("x-webhook-signature", header)], body)
        #expect(failure(scheme, hook, secrets: [secret], now: now.adding(seconds: 301)) == .staleTimestamp)
        #expect(failure(scheme, hook, secrets: [secret], now: now.adding(seconds: -301)) == .futureTimestamp)
    }

    @Test(arguments: [
        "v1=513891b6f40caefb5549fcae13c85a2481b2af1588035325fa312ead23f3b316",            // no t
        "t=1756298096",                                                                   // no v1
        "t=1756298096,v1=513891b6",                                                       // short MAC
        "t=abc,v1=513891b6f40caefb5549fcae13c85a2481b2af1588035325fa312ead23f3b316",      // non-integer t
        "t=1,t=1756298096,v1=513891b6f40caefb5549fcae13c85a2481b2af1588035325fa312ead23f3b316",  // two t
    ])
    func malformedHeadersFailAsBadFormat(_ header: String) {
        #expect(failure(scheme, webhook([("x-webhook-signature", header)], body), secrets: [secret], now: now)?.isBadFormat == true)
    }

    @Test func absentHeaderIsMissing() {
        // A room without a secret sends no signature: only an explicit `verify: none` accepts that.
        #expect(failure(scheme, webhook([("x-webhook-event", "test")], body), secrets: [secret], now: now)
            == .missingHeader("x-webhook-signature"))
    }

    @Test func signReproducesTheVector() {
        let headers = scheme.sign(body: Array(body.utf8), secret: Secret(secret), timestamp: now, messageID: "unused")
        #expect(headers["x-webhook-signature"] == header)
    }
}
