// Runs a provider's golden fixtures through the same path the ingress uses (verify → process), so
// `webhook-gateway providers test` and the test suite prove the exact behaviour that serves traffic.

public import GatewayCore

public struct FixtureResult: Sendable {
    public var name: String
    public var passed: Bool
    /// Why it failed, or a short summary of what happened when it passed.
    public var message: String
    /// Where the fixture is written.
    public var location: SourceLocation
    /// The envelope produced, when the webhook was accepted.
    public var envelope: [UInt8]?
}

public enum FixtureRunner {
    public static func run(_ provider: ProviderDefinition) -> [FixtureResult] {
        provider.fixtures.map { run($0, provider: provider) }
    }

    public static func run(_ fixture: Fixture, provider: ProviderDefinition) -> FixtureResult {
        func result(_ passed: Bool, _ message: String, _ envelope: [UInt8]? = nil) -> FixtureResult {
            FixtureResult(name: fixture.name, passed: passed, message: message, location: fixture.location, envelope: envelope)
        }
        let webhook = fixture.request(scheme: provider.verification)
        do throws(VerificationFailure) {
            try provider.verification.verify(webhook, context: VerificationContext(secrets: fixture.secrets, now: fixture.now))
        } catch {
            return fixture.verdict == .unauthorized
                ? result(true, "unauthorized: \(error)")
                : result(false, "expected \(fixture.verdict.rawValue), got unauthorized: \(error)")
        }
        if fixture.verdict == .unauthorized { return result(false, "expected unauthorized, but the request verified") }
        let processed: ProcessedWebhook
        do throws(NormalizationError) {
            processed = try provider.process(webhook, source: fixture.source ?? provider.id, keepRaw: true)
        } catch {
            return fixture.verdict == .badRequest
                ? result(true, "bad_request: \(error)")
                : result(false, "expected \(fixture.verdict.rawValue), got bad_request: \(error)")
        }
        if fixture.verdict == .badRequest { return result(false, "expected bad_request, but the body normalised", processed.envelope) }
        let envelope: JSONValue
        do throws(JSONParseError) { envelope = try JSON.parse(processed.envelope) } catch {
            return result(false, "the envelope written is not valid JSON: \(error)", processed.envelope)
        }
        if let expected = fixture.expectedEvent, let problem = SubsetMatch.mismatch(expected: expected, actual: envelope["data"] ?? .null, path: "data") {
            return result(false, problem, processed.envelope)
        }
        if let expected = fixture.expectedEnvelope, let problem = SubsetMatch.mismatch(expected: expected, actual: envelope, path: "envelope") {
            return result(false, problem, processed.envelope)
        }
        if let key = fixture.expectedDedupeKey, key != processed.dedupeKey {
            return result(false, "dedupe key: expected '\(key)', got '\(processed.dedupeKey)'", processed.envelope)
        }
        return result(true, "\(processed.event.type) \(processed.event.session?.id ?? "-")", processed.envelope)
    }
}
