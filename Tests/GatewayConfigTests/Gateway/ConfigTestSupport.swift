// Decoding helpers for gateway.yaml tests: a literal document, an injected environment and secret
// files, and the outcome as rendered strings (`file:line:col: message`).

import GatewayConfig
import GatewayCore

struct Decoded {
    var configuration: GatewayConfiguration
    var errors: [String]
    var warnings: [String]
}

func resolver(env: [String: String] = [:], files: [String: String] = [:]) -> SecretResolver {
    SecretResolver(environment: { env[$0] }, readFile: { files[$0].map { Array($0.utf8) } })
}

/// Decodes `text` as `gw.yaml`, collecting errors (in file order) and warnings instead of throwing.
func decodeConfig(_ text: String, env: [String: String] = [:], files: [String: String] = [:]) throws -> Decoded {
    let node = try YAMLLoader.load(text: text, file: "gw.yaml")
    // ADMIN_TOKEN is always set so `minimalConfig()`'s admin section adds no warning.
    let environment = ["ADMIN_TOKEN": "admin-token"].merging(env) { $1 }
    let diagnostics = ConfigDiagnostics(secretResolver: resolver(env: environment, files: files))
    let configuration = GatewayConfiguration.decode(node, diagnostics: diagnostics, baseDirectory: "/etc/gw")
    // In file order, as `throwIfAny()` reports them to users.
    let errors = diagnostics.errors.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    return Decoded(configuration: configuration,
                   errors: errors.map(\.description),
                   warnings: diagnostics.warnings.map(\.description))
}

/// A minimal valid document plus `extra` (top-level YAML appended), with admin configured so its
/// warning does not crowd the assertions.
func minimalConfig(_ extra: String = "") -> String {
    """
    admin:
      token: ${env:ADMIN_TOKEN}
    sources:
      - name: recall
        provider: recall
        secret: ${env:RECALL_SECRET}
    sinks:
      - name: out
        type: stdout
    \(extra)
    """
}

/// The repository root, found from this file's path (Tests/GatewayConfigTests/Gateway/…).
func repositoryRoot(_ file: String = #filePath) -> String {
    var parts = file.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    return parts.joined(separator: "/")
}
