import Foundation
@testable import GatewayRuntime
import GatewayCore
import Synchronization
import Testing

/// Runs the CLI in-process and captures both streams.
final class CLIRun: Sendable {
    private let outText = Mutex("")
    private let errText = Mutex("")
    var out: String { outText.withLock { $0 } }
    var err: String { errText.withLock { $0 } }
    let code: ExitCode

    init(_ args: [String], env: [String: String] = [:], files: [String: String] = [:], in directory: String = NSTemporaryDirectory()) {
        let o = Mutex(""), e = Mutex("")
        let resolver = SecretResolver(environment: { env[$0] }, readFile: { path in files[path].map { Array($0.utf8) } })
        let output = CLIOutput(out: { s in o.withLock { $0 += s } }, err: { s in e.withLock { $0 += s } })
        code = CLI.run(args, environment: CLIEnvironment(output: output, secrets: resolver, workingDirectory: directory))
        outText.withLock { $0 = o.withLock { $0 } }
        errText.withLock { $0 = e.withLock { $0 } }
    }
}

@Suite struct CLITests {
    static func writeConfig(_ text: String) throws -> String {
        let dir = NSTemporaryDirectory() + "cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: dir + "/gateway.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func printsTheVersionAndHelp() {
        let v = CLIRun(["version"])
        #expect(v.code == .success)
        #expect(v.out == "webhook-gateway \(CLI.version)\n")
        for command in ["serve", "check", "send", "providers test", "reload", "replay", "dead-letters list"] {
            let h = CLIRun(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(h.code == .success, "\(command) --help")
            #expect(h.out.hasPrefix("usage: webhook-gateway \(command)"), "\(command) --help")
        }
    }

    @Test func usageErrorsExit64WithAHint() {
        let unknown = CLIRun(["serv"])
        #expect(unknown.code == .usage)
        #expect(unknown.err.contains("unknown command 'serv' (did you mean 'serve'?)"))
        let badOption = CLIRun(["check", "--confg", "x.yaml"])
        #expect(badOption.code == .usage)
        #expect(badOption.err.contains("unknown option '--confg' (did you mean '--config'?)"))
        #expect(CLIRun(["check", "--config"]).code == .usage)
        #expect(CLIRun([]).code == .usage)
    }

    @Test func checkReportsEveryMistakeWithLocationsExits78AndPrintsNoSecret() throws {
        let dir = try Self.writeConfig("""
        providers_dir: \(IngressHarness.repositoryRoot)/providers
        storage:
          path: ./data
          fsync: always
        sources:
          - name: recall
            provider: recall
            secret: ${env:RECALL_SECRET}
          - name: retell
            provider: retell
            secret: ${file:/run/secrets/missing}
        sinks:
          - name: out
            type: stdout
            retires: 3
        server:
          max_connections: lots
        """)
        let run = CLIRun(["check"], env: ["RECALL_SECRET": "whsec_aHVudGVyMi1zdXBlci1zZWNyZXQ="], in: dir)
        #expect(run.code == .config)
        #expect(run.err.contains("gateway.yaml:15:5: unknown key 'retires' in sink 'out' (did you mean 'retry'?)"))
        #expect(run.err.contains("gateway.yaml:17:20: "))
        #expect(run.err.contains("cannot read secret file /run/secrets/missing"))
        #expect(run.err.contains("3 configuration errors"))
        #expect(!run.err.contains("aHVudGVy") && !run.out.contains("aHVudGVy"))
    }

    @Test func checkPrintsWhatWouldRunWithoutSecretValues() throws {
        let dir = try Self.writeConfig("""
        providers_dir: \(IngressHarness.repositoryRoot)/providers
        sources:
          - name: recall
            provider: recall
            secret: ${env:RECALL_SECRET}
          - name: reflector
            provider: reflector
            secret: ${env:REFLECTOR_SECRET}
        sinks:
          - name: out
            type: stdout
        """)
        let run = CLIRun(["check"], env: ["RECALL_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], in: dir)
        #expect(run.code == .success)
        #expect(run.out.contains("recall"))
        #expect(run.out.contains("1 secret (env:RECALL_SECRET)"))
        #expect(run.out.contains("answers 503 until REFLECTOR_SECRET is set"))
        #expect(run.err.contains("REFLECTOR_SECRET"))
        #expect(!run.out.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
    }

    @Test func checkRejectsAnUnknownProviderWithASuggestion() throws {
        let dir = try Self.writeConfig("""
        providers_dir: \(IngressHarness.repositoryRoot)/providers
        sources:
          - name: r
            provider: recal
            secret: x
        """)
        let run = CLIRun(["check"], in: dir)
        #expect(run.code == .config)
        #expect(run.err.contains("gateway.yaml:4:15: source 'r': unknown provider 'recal' (did you mean 'recall'?)"))
    }

    @Test func providersTestRunsEveryFixture() {
        let run = CLIRun(["providers", "test", IngressHarness.repositoryRoot + "/providers"])
        #expect(run.code == .success)
        #expect(run.out.contains(" 0 failed"))
        #expect(!run.out.contains("FAIL"))
    }
}
