// GitHub, Stripe, Slack and Shopify expressed with the same HMAC engine, checked against MACs
// computed independently with Python's hmac module (and GitHub's documented example).

import GatewayCore
import GatewayProviders
import Testing

private let json = #"{"action":"opened","number":1}"#

@Suite struct VerificationOtherSchemesTests {
    @Test func githubDocumentedExamplePasses() throws {
        let scheme = try decodeScheme(VerifyYAML.github)
        let hook = webhook([("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")], "Hello, World!")
        #expect(failure(scheme, hook, secrets: ["It's a Secret to Everybody"], now: Timestamp(seconds: 0)) == nil)
        #expect(scheme.deliveryID(of: hook) == "72d3162e-cc78-11e3-81ab-4c9367dc0958")
        // Not signed, and handed on all the same.
        let context = VerificationContext(secrets: [Secret("It's a Secret to Everybody")], now: Timestamp(seconds: 0))
        #expect(try scheme.verify(hook, context: context).deliveryID == "72d3162e-cc78-11e3-81ab-4c9367dc0958")
    }

    @Test func githubRejectsTheSHA1HeaderFormatAndTamperedBodies() throws {
        let scheme = try decodeScheme(VerifyYAML.github)
        let good = "sha256=1a763b1f352d220a314db46b42b1cbc50b0032b00015fd3d038d42c3666b7217"
        let secret = ["It's a Secret to Everybody"]
        #expect(failure(scheme, webhook([("x-hub-signature-256", good)], json), secrets: secret, now: Timestamp(seconds: 0)) == nil)
        #expect(failure(scheme, webhook([("x-hub-signature-256", good)], json + " "), secrets: secret, now: Timestamp(seconds: 0))?.isMismatch == true)
        #expect(failure(scheme, webhook([("x-hub-signature-256", "sha1=77679e8df14eaf19c7ede7a507bbefe4be482828")], json),
                        secrets: secret, now: Timestamp(seconds: 0))?.isBadFormat == true)
    }

    @Test func githubSHA1SchemeUsesTheSHA1Digest() throws {
        let scheme = try decodeScheme("""
            scheme: hmac
            algorithm: sha1
            signature: { header: x-hub-signature, format: "sha1={signature}", encoding: hex }
            content: "{body}"
            """)
        let hook = webhook([("x-hub-signature", "sha1=77679e8df14eaf19c7ede7a507bbefe4be482828")], json)
        #expect(failure(scheme, hook, secrets: ["It's a Secret to Everybody"], now: Timestamp(seconds: 0)) == nil)
    }

    @Test func sha512HexSignaturesVerify() throws {
        let scheme = try decodeScheme("""
            scheme: hmac
            algorithm: sha512
            signature: { header: x-sig, encoding: hex }
            content: "{body}"
            """)
        let mac = "d51f4cdbd1855809391ac0910ac237f387cd4c77d719c37652ed3ed0daf08854a51930c830fbdcb6f27bdd1a35c0c619c78cdbdb5d44eda7153672a7fc243618"
        #expect(failure(scheme, webhook([("x-sig", mac)], json), secrets: ["k512"], now: Timestamp(seconds: 0)) == nil)
    }

    @Test func stripeAcceptsAnyOfSeveralV1AndSkipsV0() throws {
        let scheme = try decodeScheme(VerifyYAML.stripe)
        let good = "64142a8af1ba427990408fa950d0d8f568df6065eb4d75dbcc2b1d11c86765b1"
        let other = String(repeating: "ab", count: 32)
        let now = Timestamp(seconds: 1_700_000_100)
        let secret = ["whsec_stripe_test_secret"]
        for header in ["t=1700000000,v1=\(good)", "t=1700000000,v1=\(other),v1=\(good)", "t=1700000000,v0=\(other),v1=\(good),v1=\(other)"] {
            #expect(failure(scheme, webhook([("Stripe-Signature", header)], json), secrets: secret, now: now) == nil, "\(header)")
        }
        #expect(failure(scheme, webhook([("Stripe-Signature", "t=1700000000,v1=\(other)")], json), secrets: secret, now: now)?.isMismatch == true)
        #expect(failure(scheme, webhook([("Stripe-Signature", "t=1700000000,v0=\(good)")], json), secrets: secret, now: now)?.isBadFormat == true)
        #expect(failure(scheme, webhook([("Stripe-Signature", "t=1700000000,v1=\(good)")], json), secrets: secret,
                        now: Timestamp(seconds: 1_700_000_301)) == .staleTimestamp)
    }

    @Test func timestampItemIsFoundEvenWhenTheSignatureFormatIsBare() throws {
        // Items are `t=<s>` and bare hex MACs: the timestamp item must not be taken for a signature.
        let scheme = try decodeScheme("""
            scheme: hmac
            signature: { header: x-sig, separator: ",", encoding: hex }
            timestamp: { format: "t={timestamp}" }
            content: "{timestamp}.{body}"
            """)
        let good = "64142a8af1ba427990408fa950d0d8f568df6065eb4d75dbcc2b1d11c86765b1"
        let hook = webhook([("x-sig", "t=1700000000,\(good)")], json)
        #expect(failure(scheme, hook, secrets: ["whsec_stripe_test_secret"], now: Timestamp(seconds: 1_700_000_000)) == nil)
    }

    @Test func slackSignsVersionTimestampAndBody() throws {
        let scheme = try decodeScheme(VerifyYAML.slack)
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070"
        let signature = "v0=a45771c0f181b7fb1752e9a26cc1ffb2c428f52ac8ab774ffa4adf8cf2874576"
        let hook = webhook([("X-Slack-Request-Timestamp", "1531420618"), ("X-Slack-Signature", signature)], body)
        let secret = ["8f742231b10e8888abcd99yyyzzz85a5"]
        #expect(failure(scheme, hook, secrets: secret, now: Timestamp(seconds: 1_531_420_618)) == nil)
        #expect(failure(scheme, webhook([("X-Slack-Signature", signature)], body), secrets: secret, now: Timestamp(seconds: 1_531_420_618))
            == .missingHeader("x-slack-request-timestamp"))
    }

    @Test func shopifyUsesABareBase64Header() throws {
        let scheme = try decodeScheme(VerifyYAML.shopify)
        let hook = webhook([("X-Shopify-Hmac-SHA256", "YhkQglph22R/x6XP/ivj/IbAX0/iooUb9PKdx5UV8CM="), ("X-Shopify-Webhook-Id", "b54557e4")], json)
        #expect(failure(scheme, hook, secrets: ["shopify-secret"], now: Timestamp(seconds: 0)) == nil)
        #expect(scheme.deliveryID(of: hook) == "b54557e4")
        let prefixed = webhook([("X-Shopify-Hmac-SHA256", "sha256=YhkQglph22R/x6XP/ivj/IbAX0/iooUb9PKdx5UV8CM=")], json)
        #expect(failure(scheme, prefixed, secrets: ["shopify-secret"], now: Timestamp(seconds: 0))?.isBadFormat == true)
    }
}
