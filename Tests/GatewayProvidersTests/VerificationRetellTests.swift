// Retell: `v=<ts_ms>,d=<64 hex>` over body then timestamp (no separator), milliseconds, inclusive
// ±300 000 ms, strict whole-header match. The vector is Retell's own SDK test vector.

import GatewayCore
import GatewayProviders
import Testing

private let key = "test-api-key"
private let body = #"{"event":"call_ended"}"#
private let ts: Int64 = 1_700_000_000_000
private let digest = "07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e"
private let header = "v=1700000000000,d=\(digest)"

private func retellHook(_ header: String, body: String = body) -> InboundWebhook {
    webhook([("x-retell-signature", header)], body)
}

@Suite struct VerificationRetellTests {
    let scheme: any VerificationScheme

    init() throws { scheme = try decodeScheme(VerifyYAML.retell) }

    @Test func sdkVectorPassesAtItsOwnTimestamp() {
        #expect(failure(scheme, retellHook(header), secrets: [key], now: Timestamp(milliseconds: ts)) == nil)
    }

    @Test func windowIsInclusiveThreeHundredThousandMilliseconds() {
        let hook = retellHook(header)
        #expect(failure(scheme, hook, secrets: [key], now: Timestamp(milliseconds: ts + 300_000)) == nil)
        #expect(failure(scheme, hook, secrets: [key], now: Timestamp(milliseconds: ts + 300_001)) == .staleTimestamp)
        #expect(failure(scheme, hook, secrets: [key], now: Timestamp(milliseconds: ts - 300_000)) == nil)
        #expect(failure(scheme, hook, secrets: [key], now: Timestamp(milliseconds: ts - 300_001)) == .futureTimestamp)
    }

    @Test func bodyWithTrailingSpaceFails() {
        #expect(failure(scheme, retellHook(header, body: body + " "), secrets: [key], now: Timestamp(milliseconds: ts))?.isMismatch == true)
    }

    @Test func wrongKeyFails() {
        #expect(failure(scheme, retellHook(header), secrets: ["wrong-api-key"], now: Timestamp(milliseconds: ts))?.isMismatch == true)
    }

    @Test(arguments: [
        "v=1700000000000,d=\(digest),x=1",          // extra field
        "x,v=1700000000000,d=\(digest)",            // prefix
        " v=1700000000000,d=\(digest)",             // leading space
        "v=1700000000000,d=\(digest) ",             // trailing space
        "v=1700000000000,d=\(digest.dropLast(2))",  // short digest
        "v=1700000000000,d=\(digest)00",            // long digest
        "v=1700000000000,d=\(digest.dropLast())g",  // non-hex
        "v=-1700000000000,d=\(digest)",             // negative
        "v=99999999999999999,d=\(digest)",          // absurd
        "v=,d=\(digest)",                           // empty timestamp
        "d=\(digest),v=1700000000000",              // fields swapped
        "v=1700000000000;d=\(digest)",              // wrong separator
        "1700000000000,\(digest)",                  // no labels
        "",
    ])
    func malformedHeadersFailAsBadFormat(_ header: String) {
        let reason = failure(scheme, retellHook(header), secrets: [key], now: Timestamp(milliseconds: ts))
        #expect(reason?.isBadFormat == true, "\(String(describing: reason))")
    }

    @Test func timestampIsAppendedToTheBodyNotPrepended() {
        // Same digest but a different timestamp in the header: the MAC covers the timestamp.
        let shifted = "v=1700000000001,d=\(digest)"
        #expect(failure(scheme, retellHook(shifted), secrets: [key], now: Timestamp(milliseconds: ts))?.isMismatch == true)
    }

    @Test func missingHeaderIsNamed() {
        #expect(failure(scheme, webhook([], body), secrets: [key], now: Timestamp(milliseconds: ts)) == .missingHeader("x-retell-signature"))
    }

    @Test func signReproducesTheSDKVector() {
        let headers = scheme.sign(body: Array(body.utf8), secret: Secret(key), timestamp: Timestamp(milliseconds: ts), messageID: "unused")
        #expect(headers["x-retell-signature"] == header)
        #expect(headers.count == 1)
        #expect(scheme.deliveryID(of: retellHook(header)) == nil)
    }
}
