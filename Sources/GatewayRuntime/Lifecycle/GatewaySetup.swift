// Everything a configuration file turns into before anything starts: the decoded configuration,
// the provider definitions, the ingress graph and the sinks. One pass, one diagnostics object, so
// `check` and `serve` report every mistake across gateway.yaml and providers/*.yaml together.

import GatewayConfig
import GatewayCore
import GatewayProviders

struct GatewaySetup: Sendable {
    let configuration: GatewayConfiguration
    let providers: ProviderRegistry
    let graph: IngressGraph
    let sinks: [SinkSetup]
    let warnings: [ConfigError]
    let configPath: String

    /// `logger` is handed to the sinks (check passes a silent one).
    static func load(configPath: String, secrets: SecretResolver, logger: Logger = .silent) throws(ConfigErrors) -> GatewaySetup {
        let node = try YAMLLoader.load(path: configPath)
        let diagnostics = ConfigDiagnostics(secretResolver: secrets)
        let configuration = GatewayConfiguration.decode(node, diagnostics: diagnostics)
        let providers = ProviderRegistry.load(directory: configuration.providersDirectory, diagnostics: diagnostics)
        let graph = IngressGraph(configuration: configuration, providers: providers, diagnostics: diagnostics)
        let sinks = SinkSetup.build(configuration.sinks, logger: logger, diagnostics: diagnostics)
        try diagnostics.throwIfAny()
        return GatewaySetup(configuration: configuration, providers: providers, graph: graph, sinks: sinks,
                            warnings: diagnostics.warnings, configPath: configPath)
    }
}
