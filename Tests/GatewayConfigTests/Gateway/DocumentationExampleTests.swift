// The YAML examples in docs/CONFIGURATION.md must stay true: each one decodes without errors.

import Foundation
import GatewayConfig
import GatewayCore
import Testing

@Suite struct DocumentationExampleTests {
    static func yamlBlocks() throws -> [String] {
        let text = try String(contentsOfFile: repositoryRoot() + "/docs/CONFIGURATION.md", encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func everyYAMLExampleDecodesWithoutErrors() throws {
        let blocks = try Self.yamlBlocks()
        #expect(blocks.count >= 5)
        // Secret files are served by the fake resolver; TLS files are real paths that need not exist here.
        let anyFile = SecretResolver(environment: { _ in nil }, readFile: { _ in Array("secret".utf8) })
        for (i, block) in blocks.enumerated() {
            let node = try YAMLLoader.load(text: block, file: "CONFIGURATION.md#\(i)")
            let diagnostics = ConfigDiagnostics(secretResolver: anyFile)
            _ = GatewayConfiguration.decode(node, diagnostics: diagnostics)
            let errors = diagnostics.errors.map(\.description).filter { !$0.contains("server.tls: cannot read") }
            #expect(errors == [], "example \(i):\n\(block)")
        }
    }
}
