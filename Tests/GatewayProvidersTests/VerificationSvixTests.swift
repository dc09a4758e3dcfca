// Standard Webhooks / Svix, as used by Recall.ai and MeetingBaaS v2: every vector and decoy in
// PROVIDERS.md, both header families, key forms, the replay window and missing headers.

import GatewayCore
import GatewayCrypto
import GatewayProviders
import Testing

private let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
private let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
private let ts = "1614265330"
private let body = #"{"test": 2432232314}"#
private let valid = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
private let now = Timestamp(seconds: 1_614_265_330)

private let recallID = "msg_loFOjxBNrRLzqYUf"
private let recallTS = "1731705121"
private let recallBody = #"{"event":"bot.done","data":{"data":{"code":"done","sub_code":null,"updated_at":"2024-11-15T21:12:01.000000Z"},"bot":{"id":"3be05ff8-87cd-4c40-8b54-ee2636abb4f3","metadata":{}}}}"#
private let recallSignature = "v1,Ybu910lszbG9TmJDIfm9Kp/aapMJbaEdD22MPoNobyw="

private func svixHook(family: String = "webhook", signature: String, id: String = id, ts: String = ts, body: String = body) -> InboundWebhook {
    webhook([("\(family)-id", id), ("\(family)-timestamp", ts), ("\(family)-signature", signature)], body)
}

@Suite struct VerificationSvixTests {
    let scheme: any VerificationScheme

    init() throws { scheme = try decodeScheme(VerifyYAML.svix) }

    @Test func publicVectorPasses() {
        #expect(failure(scheme, svixHook(signature: valid), secrets: [secret], now: now) == nil)
        #expect(failure(scheme, svixHook(family: "svix", signature: valid), secrets: [secret], now: now) == nil)
    }

    @Test(arguments: [
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",
        "v1,",
        "v1,dawfeoifkpqwoekfpqoekf",
    ])
    func publicMustFailSignaturesFail(_ signature: String) {
        #expect(failure(scheme, svixHook(signature: signature), secrets: [secret], now: now) != nil)
    }

    @Test func validEntryAmongDecoysPasses() {
        let decoy = "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
        let header = "v1,\(decoy) v2,\(decoy) \(valid) v1,\(decoy)"
        #expect(failure(scheme, svixHook(signature: header), secrets: [secret], now: now) == nil)
    }

    @Test func decoysAloneFailAsMismatch() {
        let decoy = "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
        let reason = failure(scheme, svixHook(signature: "v1,\(decoy) v2,\(decoy) v1,\(decoy)"), secrets: [secret], now: now)
        #expect(reason == .mismatch("header webhook-signature, 2 signature(s) tried with 1 secret(s)"))
    }

    @Test func onlyV1EntriesAreTried() {
        // The right MAC labelled v2 (or v1a, ed25519) is not an HMAC signature.
        let mac = String(valid.dropFirst(3))
        #expect(failure(scheme, svixHook(signature: "v2,\(mac) v1a,\(mac)"), secrets: [secret], now: now)?.isBadFormat == true)
    }

    @Test func recallShapedVectorPassesInBothHeaderFamilies() {
        let now = Timestamp(seconds: 1_731_705_121)
        for family in ["webhook", "svix"] {
            let hook = svixHook(family: family, signature: recallSignature, id: recallID, ts: recallTS, body: recallBody)
            #expect(failure(scheme, hook, secrets: [secret], now: now) == nil, "\(family)")
        }
    }

    @Test func tamperedBodyIdOrTimestampFails() {
        #expect(failure(scheme, svixHook(signature: valid, body: body + " "), secrets: [secret], now: now)?.isMismatch == true)
        #expect(failure(scheme, svixHook(signature: valid, id: id + "x"), secrets: [secret], now: now)?.isMismatch == true)
        #expect(failure(scheme, svixHook(signature: valid, ts: "1614265331"), secrets: [secret], now: now)?.isMismatch == true)
    }

    @Test func secretWithoutPrefixIsTheSameKey() {
        #expect(failure(scheme, svixHook(signature: valid), secrets: [String(secret.dropFirst(6))], now: now) == nil)
    }

    @Test func keyIsAcceptedWithAndWithoutBase64Padding() {
        // 32-byte key 00..1f: base64 ends in '='. Expected MAC computed with Python's hmac module.
        let padded = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        let hook = svixHook(signature: "v1,PXolOGYp7AGOSwJyvuzSKoZoIdes89gF6UBzssGlr94=", id: "msg_1", ts: "1700000000",
                            body: #"{"action":"opened","number":1}"#)
        let now = Timestamp(seconds: 1_700_000_000)
        #expect(failure(scheme, hook, secrets: [padded], now: now) == nil)
        #expect(failure(scheme, hook, secrets: [String(padded.dropLast())], now: now) == nil)
    }

    @Test func svixFamilyIsPreferredAndNeverMixedWithWebhookFamily() {
        // Both families present: the svix-* triple is used even though webhook-* is also valid.
        var both = svixHook(family: "svix", signature: valid)
        both.headers.add("webhook-id", id)
        both.headers.add("webhook-timestamp", ts)
        both.headers.add("webhook-signature", "v1,AAAA")
        #expect(failure(scheme, both, secrets: [secret], now: now) == nil)
        // svix-signature with only webhook-id/timestamp: the svix family is incomplete.
        let mixed = webhook([("svix-signature", valid), ("webhook-id", id), ("webhook-timestamp", ts)], body)
        #expect(failure(scheme, mixed, secrets: [secret], now: now) == .missingHeader("svix-timestamp"))
    }

    @Test func eachMissingHeaderIsNamed() {
        #expect(failure(scheme, webhook([("webhook-id", id), ("webhook-timestamp", ts)], body), secrets: [secret], now: now)
            == .missingHeader("svix-signature"))
        #expect(failure(scheme, webhook([("webhook-id", id), ("webhook-signature", valid)], body), secrets: [secret], now: now)
            == .missingHeader("webhook-timestamp"))
        #expect(failure(scheme, webhook([("webhook-timestamp", ts), ("webhook-signature", valid)], body), secrets: [secret], now: now)
            == .missingHeader("webhook-id"))
    }

    @Test func headerNamesAreCaseInsensitive() {
        let hook = webhook([("Webhook-Id", id), ("WEBHOOK-TIMESTAMP", ts), ("Webhook-Signature", valid)], body)
        #expect(failure(scheme, hook, secrets: [secret], now: now) == nil)
    }

    @Test func timestampWindowIsThreeHundredSecondsEitherWay() {
        let hook = svixHook(signature: valid)
        #expect(failure(scheme, hook, secrets: [secret], now: now.adding(seconds: 300)) == nil)
        #expect(failure(scheme, hook, secrets: [secret], now: now.adding(seconds: -300)) == nil)
        #expect(failure(scheme, hook, secrets: [secret], now: now.adding(seconds: 301)) == .staleTimestamp)
        #expect(failure(scheme, hook, secrets: [secret], now: now.adding(seconds: -301)) == .futureTimestamp)
    }

    @Test func contextToleranceOverridesTheScheme() {
        let hook = svixHook(signature: valid)
        #expect(failure(scheme, hook, secrets: [secret], now: now.adding(seconds: 3600), tolerance: 3600) == nil)
        #expect(failure(scheme, hook, secrets: [secret], now: now.adding(seconds: 11), tolerance: 10) == .staleTimestamp)
    }

    @Test(arguments: ["", "abc", "-1614265330", "+1614265330", "1614265330.5", " 1614265330", "1e9", "99999999999999999", "253402300800"])
    func nonIntegerNegativeOrAbsurdTimestampsAreBadFormat(_ text: String) {
        #expect(failure(scheme, svixHook(signature: valid, ts: text), secrets: [secret], now: now)?.isBadFormat == true)
    }

    @Test func secondSecretMatchesDuringRotation() {
        #expect(failure(scheme, svixHook(signature: valid), secrets: ["whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", secret],
                        now: now) == nil)
    }

    @Test func noSecretsAndUndecodableSecretsAreNoSecret() {
        #expect(failure(scheme, svixHook(signature: valid), secrets: [], now: now) == .noSecret)
        #expect(failure(scheme, svixHook(signature: valid), secrets: ["whsec_not base64!"], now: now) == .noSecret)
        #expect(scheme.secretProblem(Secret("whsec_not base64!", origin: "env:RECALL")) != nil)
        #expect(scheme.secretProblem(Secret(secret, origin: "env:RECALL")) == nil)
    }

    @Test func deliveryIDComesFromTheSignatureFamily() {
        #expect(scheme.deliveryID(of: svixHook(signature: valid)) == id)
        var both = svixHook(family: "svix", signature: valid, id: "msg_svix")
        both.headers.add("webhook-id", "msg_webhook")
        #expect(scheme.deliveryID(of: both) == "msg_svix")
        #expect(scheme.deliveryID(of: webhook([], body)) == nil)
    }

    /// `verify` hands the delivery id on (the ingress dedupes with it): the same as `deliveryID(of:)`.
    @Test func verifyReturnsTheDeliveryIDOfTheSignatureFamily() throws {
        let context = VerificationContext(secrets: [Secret(secret)], now: now)
        // Both families: the svix-* one signed (and preferred), so its id is the delivery id.
        var both = svixHook(family: "svix", signature: valid)
        both.headers.add("webhook-id", "msg_webhook")
        for hook in [svixHook(signature: valid), svixHook(family: "svix", signature: valid), both] {
            #expect(try scheme.verify(hook, context: context).deliveryID == scheme.deliveryID(of: hook))
        }
        #expect(try scheme.verify(both, context: context).deliveryID == id)
    }

    @Test func signWritesTheConfiguredFamilyAndReproducesTheVector() throws {
        let headers = scheme.sign(body: Array(body.utf8), secret: Secret(secret), timestamp: now, messageID: id)
        #expect(headers["webhook-signature"] == valid)
        #expect(headers["webhook-timestamp"] == ts)
        #expect(headers["webhook-id"] == id)
        #expect(headers["svix-signature"] == nil)
        #expect(failure(scheme, webhook(headers.fields.map { ($0.name, $0.value) }, body), secrets: [secret], now: now) == nil)
    }
}
