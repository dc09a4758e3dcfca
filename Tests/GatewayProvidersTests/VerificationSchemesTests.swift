// The `verify:` sections of the vendors' schemes as a provider file writes them, shared by the
// Verification*Tests files, and the helpers those tests use to build requests and contexts.

import GatewayConfig
import GatewayCore
import GatewayProviders
import Testing

enum VerifyYAML {
    /// Standard Webhooks / Svix (Recall, MeetingBaaS v2): both header families, svix-* preferred.
    static let svix = """
        scheme: hmac
        algorithm: sha256
        key: base64-whsec
        signature:
          header: [svix-signature, webhook-signature]
          sign_header: webhook-signature
          format: "v1,{signature}"
          separator: " "
          encoding: base64
        timestamp:
          header: [svix-timestamp, webhook-timestamp]
          unit: seconds
          tolerance: 300s
        message_id:
          header: [svix-id, webhook-id]
        content: "{message_id}.{timestamp}.{body}"
        """

    static let retell = """
        scheme: hmac
        algorithm: sha256
        key: utf8
        signature:
          header: x-retell-signature
          format: "v={timestamp},d={signature}"
          encoding: hex
        timestamp:
          unit: milliseconds
          tolerance: 300s
        content: "{body}{timestamp}"
        """

    static let reflector = """
        scheme: hmac
        signature:
          header: x-webhook-signature
          separator: ","
          format: "v1={signature}"
          encoding: hex
        timestamp:
          format: "t={timestamp}"
        content: "{timestamp}.{body}"
        """

    static let github = """
        scheme: hmac
        signature: { header: X-Hub-Signature-256, format: "sha256={signature}", encoding: hex }
        message_id: { header: X-GitHub-Delivery }
        content: "{body}"
        """

    static let stripe = """
        scheme: hmac
        signature: { header: stripe-signature, separator: ",", format: "v1={signature}", encoding: hex }
        timestamp: { format: "t={timestamp}", tolerance: 5m }
        content: "{timestamp}.{body}"
        """

    static let slack = """
        scheme: hmac
        signature: { header: x-slack-signature, format: "v0={signature}", encoding: hex }
        timestamp: { header: x-slack-request-timestamp }
        content: "v0:{timestamp}:{body}"
        """

    static let shopify = """
        scheme: hmac
        signature: { header: x-shopify-hmac-sha256, encoding: base64 }
        message_id: { header: x-shopify-webhook-id }
        content: "{body}"
        """

    static let token = "{scheme: token, header: x-meeting-baas-api-key}"

    static let all: [(String, String)] = [
        ("svix", svix), ("retell", retell), ("reflector", reflector), ("github", github),
        ("stripe", stripe), ("slack", slack), ("shopify", shopify), ("token", token),
    ]
}

/// Decodes a `verify:` value written in YAML, requiring that it decodes without errors.
func decodeScheme(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> any VerificationScheme {
    let node = try YAMLLoader.load(text: yaml, file: "test.yaml")
    let diagnostics = ConfigDiagnostics()
    let scheme = VerificationSchemes.decode(node, context: "verify", diagnostics: diagnostics)
    #expect(diagnostics.errors.isEmpty, "\(diagnostics.errors)", sourceLocation: sourceLocation)
    return try #require(scheme, sourceLocation: sourceLocation)
}

/// The errors decoding `yaml` reports (the scheme must not be produced).
func decodingErrors(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String] {
    let node = try YAMLLoader.load(text: yaml, file: "p.yaml")
    let diagnostics = ConfigDiagnostics()
    let scheme = VerificationSchemes.decode(node, context: "verify", diagnostics: diagnostics)
    #expect(scheme == nil, "a scheme was decoded despite errors", sourceLocation: sourceLocation)
    return diagnostics.errors.map(\.description)
}

func webhook(_ headers: [(String, String)], _ body: String) -> InboundWebhook {
    webhook(headers, Array(body.utf8))
}

func webhook(_ headers: [(String, String)], _ body: [UInt8]) -> InboundWebhook {
    InboundWebhook(path: "/webhooks/test", headers: HeaderFields(headers), body: body, receivedAt: Timestamp(seconds: 0))
}

/// Runs `verify` and returns the failure reason, or nil when it passed.
func failure(_ scheme: any VerificationScheme, _ hook: InboundWebhook, secrets: [String], now: Timestamp,
             tolerance: Double? = nil) -> VerificationFailure.Reason? {
    let context = VerificationContext(secrets: secrets.map { Secret($0, origin: "env:TEST_SECRET") }, tolerance: tolerance, now: now)
    do throws(VerificationFailure) {
        try scheme.verify(hook, context: context)
        return nil
    } catch {
        return error.reason
    }
}

extension VerificationFailure.Reason {
    var isBadFormat: Bool { if case .badFormat = self { true } else { false } }
    var isMismatch: Bool { if case .mismatch = self { true } else { false } }
}

@Suite struct VerificationSchemesTests {
    @Test(arguments: VerifyYAML.all)
    func everyDocumentedSchemeDecodesWithoutErrors(_ name: String, _ yaml: String) throws {
        _ = try decodeScheme(yaml)
    }

    @Test func noneMustBeExplicitAndIsReportedAsAWarning() throws {
        let node = try YAMLLoader.load(text: "none", file: "p.yaml")
        let diagnostics = ConfigDiagnostics()
        let scheme = VerificationSchemes.decode(node, context: "provider 'x' verify", diagnostics: diagnostics)
        #expect(scheme is NoVerification)
        #expect(diagnostics.errors.isEmpty)
        #expect(diagnostics.warnings.count == 1)
        #expect(failure(try #require(scheme), webhook([], "{}"), secrets: [], now: Timestamp(seconds: 0)) == nil)
    }

    @Test func detectionHeadersAreTheSignatureHeaderFamilies() throws {
        #expect(try decodeScheme(VerifyYAML.svix).detectionHeaders == ["svix-signature", "webhook-signature"])
        #expect(try decodeScheme(VerifyYAML.retell).detectionHeaders == ["x-retell-signature"])
        #expect(try decodeScheme(VerifyYAML.github).detectionHeaders == ["x-hub-signature-256"])
        #expect(try decodeScheme(VerifyYAML.token).detectionHeaders == ["x-meeting-baas-api-key"])
    }
}
