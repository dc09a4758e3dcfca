// `scheme: token` (MeetingBaaS v1 `x-meeting-baas-api-key`, v2 callbacks `x-mb-secret`).

import GatewayCore
import GatewayProviders
import Testing

@Suite struct VerificationTokenTests {
    let scheme: any VerificationScheme

    init() throws { scheme = try decodeScheme(VerifyYAML.token) }

    @Test func matchingHeaderPasses() {
        #expect(failure(scheme, webhook([("X-Meeting-Baas-Api-Key", "mb-key-1")], "{}"), secrets: ["mb-key-1"], now: Timestamp(seconds: 0)) == nil)
    }

    @Test func anyRotatedSecretMatches() {
        #expect(failure(scheme, webhook([("x-meeting-baas-api-key", "new")], "{}"), secrets: ["old", "new"], now: Timestamp(seconds: 0)) == nil)
    }

    @Test(arguments: ["mb-key-2", "mb-key-1 ", "mb-key", "", "MB-KEY-1"])
    func anyOtherValueIsAMismatch(_ value: String) {
        #expect(failure(scheme, webhook([("x-meeting-baas-api-key", value)], "{}"), secrets: ["mb-key-1"], now: Timestamp(seconds: 0))?.isMismatch == true)
    }

    @Test func missingHeaderAndNoSecretAreReported() {
        #expect(failure(scheme, webhook([], "{}"), secrets: ["mb-key-1"], now: Timestamp(seconds: 0)) == .missingHeader("x-meeting-baas-api-key"))
        #expect(failure(scheme, webhook([("x-meeting-baas-api-key", "x")], "{}"), secrets: [], now: Timestamp(seconds: 0)) == .noSecret)
    }

    @Test func signSendsTheSecretInTheHeader() {
        let headers = scheme.sign(body: [], secret: Secret("mb-key-1"), timestamp: Timestamp(seconds: 0), messageID: "")
        #expect(headers["x-meeting-baas-api-key"] == "mb-key-1")
        #expect(scheme.deliveryID(of: webhook([("x-meeting-baas-api-key", "mb-key-1")], "{}")) == nil)
    }
}
