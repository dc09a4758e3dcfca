// Loading `gateway.yaml` in one call: read, parse, decode, and either the configuration with its
// warnings (unset secret variables, disabled admin API, ...) or every error at once.

public import GatewayCore

extension GatewayConfiguration {
    /// Loads and decodes the file at `path`. Warnings do not stop the load; the caller shows them.
    public static func load(path: String, resolver: SecretResolver = .process, limits: YAMLLimits = .default)
        throws(ConfigErrors) -> (GatewayConfiguration, warnings: [ConfigError])
    {
        let node = try YAMLLoader.load(path: path, limits: limits)
        return try decodeOrThrow(node, resolver: resolver, baseDirectory: nil)
    }

    /// Loads a configuration held in memory (e.g. the embedded default) as if read from `file`.
    public static func load(text: String, file: String, resolver: SecretResolver = .process,
                            baseDirectory: String? = nil, limits: YAMLLimits = .default)
        throws(ConfigErrors) -> (GatewayConfiguration, warnings: [ConfigError])
    {
        let node = try YAMLLoader.load(text: text, file: file, limits: limits)
        return try decodeOrThrow(node, resolver: resolver, baseDirectory: baseDirectory)
    }

    private static func decodeOrThrow(_ node: ConfigNode, resolver: SecretResolver, baseDirectory: String?)
        throws(ConfigErrors) -> (GatewayConfiguration, warnings: [ConfigError])
    {
        let diagnostics = ConfigDiagnostics(secretResolver: resolver)
        let configuration = decode(node, diagnostics: diagnostics, baseDirectory: baseDirectory)
        try diagnostics.throwIfAny()
        let warnings = diagnostics.warnings.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        return (configuration, warnings: warnings)
    }
}
