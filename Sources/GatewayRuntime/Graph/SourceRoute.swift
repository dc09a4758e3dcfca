// One configured source as the ingress sees it: its path, provider definition, secrets and limits,
// resolved once when the graph is built so the request path only reads immutable values. A class:
// the ingress takes its route for every request, and as a struct (a provider definition, secrets,
// strings) each copy cost ~28 retains and as many releases (callgrind under W1).

import GatewayCore
import GatewayProviders

final class SourceRoute: Sendable {
    let name: String
    /// Its position in the graph's `sources`: per-source values of the ingress (metrics) sit in
    /// arrays read by it, not dictionaries keyed by name (a string hash per request).
    let index: Int
    let path: String
    let provider: ProviderDefinition
    /// Usable secrets; empty with `unsetVariables` non-empty means "answer 503 until configured".
    let secrets: [Secret]
    /// Environment variables named by secret references that are not set, for the 503 log line.
    let unsetVariables: [String]
    /// False only for an explicit `verify: none`.
    let verifies: Bool
    let tolerance: Double?
    let bodyLimit: Int
    let keepRaw: Bool
    /// The source's own answer body (e.g. Retell `call_inbound`), overriding the provider file's.
    let response: [UInt8]?

    init(name: String, index: Int, path: String, provider: ProviderDefinition, secrets: [Secret], unsetVariables: [String],
         verifies: Bool, tolerance: Double?, bodyLimit: Int, keepRaw: Bool, response: [UInt8]?) {
        self.name = name
        self.index = index
        self.path = path
        self.provider = provider
        self.secrets = secrets
        self.unsetVariables = unsetVariables
        self.verifies = verifies
        self.tolerance = tolerance
        self.bodyLimit = bodyLimit
        self.keepRaw = keepRaw
        self.response = response
    }

    /// True when the source cannot accept anything until a secret is configured.
    var awaitsSecret: Bool { verifies && secrets.isEmpty }

    /// Checks the webhook's signature with this source's secrets and tolerance, at its receipt time.
    @discardableResult
    func verify(_ webhook: InboundWebhook) throws(VerificationFailure) -> Verified {
        try provider.verification.verify(
            webhook, context: VerificationContext(secrets: secrets, tolerance: tolerance, now: webhook.receivedAt))
    }
}
