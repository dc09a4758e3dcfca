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
    static func load(configPath: String, secrets: SecretResolver, logger: Logger = .silent,
                     workingDirectory: String = FileStream.currentDirectory()) throws(ConfigErrors) -> GatewaySetup {
        let diagnostics = ConfigDiagnostics(secretResolver: secrets)
        let configuration = try decodeConfiguration(configPath, diagnostics: diagnostics, workingDirectory: workingDirectory)
        let providers = loadProviders(configuration, configPath: configPath, diagnostics: diagnostics)
        let graph = IngressGraph(configuration: configuration, providers: providers, diagnostics: diagnostics)
        let sinks = SinkSetup.build(configuration.sinks, logger: logger, diagnostics: diagnostics)
        try diagnostics.throwIfAny()
        return GatewaySetup(configuration: configuration, providers: providers, graph: graph, sinks: sinks,
                            warnings: diagnostics.warnings, configPath: configPath)
    }

    /// Reads and decodes the configuration file, or the embedded default (whose relative paths
    /// mean the working directory). Problems go to `diagnostics`; only unreadable YAML throws.
    static func decodeConfiguration(_ configPath: String, diagnostics: ConfigDiagnostics,
                                    workingDirectory: String = FileStream.currentDirectory()) throws(ConfigErrors) -> GatewayConfiguration {
        let embedded = configPath == EmbeddedDefaults.configName
        let node = embedded
            ? try YAMLLoader.load(text: EmbeddedDefaults.gatewayYAML, file: configPath)
            : try YAMLLoader.load(path: configPath)
        return GatewayConfiguration.decode(node, diagnostics: diagnostics, baseDirectory: embedded ? workingDirectory : nil)
    }

    /// The provider files of `providers_dir`; for the embedded configuration without such a
    /// directory, the provider files compiled into the binary.
    static func loadProviders(_ configuration: GatewayConfiguration, configPath: String, diagnostics: ConfigDiagnostics) -> ProviderRegistry {
        if configPath == EmbeddedDefaults.configName, !FileStream.isDirectory(configuration.providersDirectory) {
            return embeddedProviders(diagnostics)
        }
        return ProviderRegistry.load(directory: configuration.providersDirectory, diagnostics: diagnostics)
    }

    /// The built-in provider files compiled into the binary.
    private static func embeddedProviders(_ diagnostics: ConfigDiagnostics) -> ProviderRegistry {
        ProviderRegistry.resolve(EmbeddedDefaults.providers.compactMap { name, yaml -> DecodedProvider? in
            let file = "<embedded>/providers/" + name
            do throws(ConfigErrors) {
                let node = try YAMLLoader.load(text: yaml, file: file)
                return ProviderDefinition.decode(node, file: file, normalizers: .builtIn, diagnostics: diagnostics)
            } catch {
                diagnostics.add(error)
                return nil
            }
        }, diagnostics: diagnostics)
    }
}
