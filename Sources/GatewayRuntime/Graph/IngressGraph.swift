// The immutable routing graph built from a configuration and the provider definitions. A reload
// builds a new graph and swaps it in whole; requests in flight keep the graph they started with.

import GatewayConfig
import GatewayCore
import GatewayProviders

struct IngressGraph: Sendable {
    /// The auto-detecting URL: the provider is recognised from the signature headers.
    static let autoDetectPath = "/webhooks"

    let routes: [String: SourceRoute]
    let sources: [SourceRoute]
    let providers: ProviderRegistry
    /// The largest body any source accepts: the limit of the auto-detecting URL.
    let largestBodyLimit: Int

    /// Builds the graph, reporting unknown providers, duplicate paths and unusable secrets into
    /// `diagnostics` (with the source's location).
    init(configuration: GatewayConfiguration, providers: ProviderRegistry, diagnostics: ConfigDiagnostics) {
        var routes: [String: SourceRoute] = [:]
        var sources: [SourceRoute] = []
        for source in configuration.sources {
            guard let provider = providers[source.provider] else {
                let known = providers.ids.sorted()
                diagnostics.error(
                    "source '\(source.name)': unknown provider '\(source.provider)'\(ConfigReader.suggestion(for: source.provider, in: known))"
                        + (known.isEmpty ? " (no provider files loaded)" : "; known: \(known.joined(separator: ", "))"),
                    at: source.providerLocation)
                continue
            }
            if source.path == IngressGraph.autoDetectPath || HealthEndpoint(rawValue: source.path) != nil {
                diagnostics.error("source '\(source.name)': path \(source.path) is reserved", at: source.location)
                continue
            }
            if let other = routes[source.path] {
                diagnostics.error("source '\(source.name)': path \(source.path) is already used by source '\(other.name)'", at: source.location)
                continue
            }
            var secrets: [Secret] = []
            for secret in source.presentSecrets {
                if let problem = provider.verification.secretProblem(secret) {
                    diagnostics.error("source '\(source.name)': the secret from \(secret.origin) cannot be used: \(problem)", at: source.location)
                } else {
                    secrets.append(secret)
                }
            }
            let route = SourceRoute(
                name: source.name, index: sources.count, path: source.path, provider: provider, secrets: secrets,
                unsetVariables: source.unsetVariables, verifies: source.verifySignatures,
                tolerance: source.tolerance?.seconds,
                bodyLimit: source.bodyLimit?.bytes ?? configuration.server.bodyLimit.bytes,
                keepRaw: source.keepRaw, response: source.response.map { $0.jsonValue().serialized() })
            routes[source.path] = route
            sources.append(route)
        }
        self.routes = routes
        self.sources = sources
        self.providers = providers
        largestBodyLimit = sources.map(\.bodyLimit).max() ?? configuration.server.bodyLimit.bytes
    }

    /// The sources the auto-detecting URL may hand a request to: those whose provider's identifying
    /// headers are present and that verify signatures (an unverified source would claim anything).
    func detectCandidates(_ headers: HeaderFields) -> [SourceRoute] {
        sources.filter { $0.verifies && !$0.secrets.isEmpty && $0.provider.matches(headers) }
    }
}
