import Foundation
@testable import GatewayRuntime
import Testing

@Suite struct EmbeddedDefaultsTests {
    /// The multi-line literal drops the file's final newline; nothing else may differ.
    static func file(_ path: String) throws -> String {
        var text = try String(contentsOfFile: IngressHarness.repositoryRoot + "/" + path, encoding: .utf8)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    @Test func theEmbeddedCopyMatchesTheRepositoryFiles() throws {
        #expect(EmbeddedDefaults.gatewayYAML == (try Self.file("gateway.yaml")), "run `make embed`")
        let names = try FileManager.default.contentsOfDirectory(atPath: IngressHarness.repositoryRoot + "/providers")
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(EmbeddedDefaults.providers.map(\.name) == names, "run `make embed`")
        for (name, yaml) in EmbeddedDefaults.providers {
            #expect(yaml == (try Self.file("providers/" + name)), "providers/\(name) differs: run `make embed`")
        }
    }

    @Test func checkRunsTheEmbeddedDefaultWhereThereIsNoConfigurationFile() throws {
        let empty = NSTemporaryDirectory() + "embedded-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let run = CLIRun(["check"], in: empty)
        #expect(run.code == .success, "\(run.err)")
        #expect(run.out.contains("configuration <embedded>/gateway.yaml is valid"))
        #expect(run.out.contains("<embedded>/providers/recall.yaml"))
        #expect(run.out.contains("fixtures 70/70 passed"))
    }
}
