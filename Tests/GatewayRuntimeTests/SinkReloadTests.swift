// Reload applies sink changes to a running gateway: an added sink receives what is accepted after
// the reload, a changed one continues from its cursor at its new target (nothing lost, nothing
// twice), a removed one stops while the others go on, and one that cannot start leaves the
// running configuration whole.

import Foundation
@testable import GatewayRuntime
import GatewayConfig
import GatewayCore
import GatewayDelivery
import GatewayHTTP
import Synchronization
import Testing

@Suite(.serialized) struct SinkReloadTests {
    /// Sends one signed Recall webhook of its own session; returns the event id the gateway answered.
    static func send(_ g: RunningGatewayHarness, _ n: Int) throws -> String {
        let body = IngressTests.botDone.replacingOccurrences(of: "3be05ff8", with: String(format: "%08d", n))
        let r = try g.webhook("/webhooks/recall", body: body, headers: g.signedRecall(body))
        try #require(r.status == 200)
        return try #require(GatewayTests.text(r).split(separator: "\"").first { $0.hasPrefix("evt_") }.map(String.init))
    }

    /// Event ids in a file sink's output, in file order (empty while the file does not exist).
    static func ids(in path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
    }

    static func waitFor(_ condition: () -> Bool) -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.025)
        }
        return condition()
    }

    static func reload(_ g: RunningGatewayHarness, sinks: [String]) throws {
        try RunningGatewayHarness.config(directory: g.directory, sinks: sinks.joined(separator: "\n"))
            .write(toFile: g.configPath, atomically: true, encoding: .utf8)
        g.gateway.reload()
    }

    @Test func anAddedFileSinkReceivesEventsAcceptedAfterTheReload() throws {
        let g = try RunningGatewayHarness()
        let main = g.directory + "/events.jsonl", added = g.directory + "/added.jsonl"
        let before = try Self.send(g, 1)
        #expect(Self.waitFor { Self.ids(in: main) == [before] })
        try Self.reload(g, sinks: [RunningGatewayHarness.fileSink("file", path: main), RunningGatewayHarness.fileSink("added", path: added)])
        let after = try Self.send(g, 2)
        #expect(Self.waitFor { Self.ids(in: added) == [after] && Self.ids(in: main) == [before, after] })
        // Like a sink at a first start, the added one begins at the journal's end: no history.
        #expect(Self.ids(in: added) == [after])
        #expect(GatewayTests.text(try g.admin("GET", "/admin/sinks")).contains(#""name":"added""#))
    }

    @Test func aChangedFileSinkContinuesAtItsNewPathWithNothingLostOrTwice() throws {
        let g = try RunningGatewayHarness()
        let first = g.directory + "/first.jsonl", second = g.directory + "/second.jsonl"
        try Self.reload(g, sinks: [RunningGatewayHarness.fileSink("file", path: first)])
        var sent: [String] = []
        for n in 0..<20 { sent.append(try Self.send(g, n)) }
        // No waiting: the change lands while the first batch is still being delivered.
        try Self.reload(g, sinks: [RunningGatewayHarness.fileSink("file", path: second)])
        for n in 20..<40 { sent.append(try Self.send(g, n)) }
        #expect(Self.waitFor { Self.ids(in: first).count + Self.ids(in: second).count >= sent.count })
        Thread.sleep(forTimeInterval: 0.2)  // time for a duplicate to show up, were there one
        let delivered = Self.ids(in: first) + Self.ids(in: second)
        #expect(delivered.sorted() == sent.sorted(), "every event exactly once")
        #expect(Set(Self.ids(in: second)).isSuperset(of: sent[20...]), "events accepted after the reload go to the new path")
    }

    @Test func aRemovedSinkStopsWhileTheOthersContinue() throws {
        let g = try RunningGatewayHarness()
        let kept = g.directory + "/kept.jsonl", removed = g.directory + "/removed.jsonl"
        try Self.reload(g, sinks: [RunningGatewayHarness.fileSink("kept", path: kept), RunningGatewayHarness.fileSink("removed", path: removed)])
        let before = try Self.send(g, 1)
        #expect(Self.waitFor { Self.ids(in: kept) == [before] && Self.ids(in: removed) == [before] })
        try Self.reload(g, sinks: [RunningGatewayHarness.fileSink("kept", path: kept)])
        let after = try Self.send(g, 2)
        #expect(Self.waitFor { Self.ids(in: kept) == [before, after] })
        Thread.sleep(forTimeInterval: 0.2)
        #expect(Self.ids(in: removed) == [before])
        let sinks = GatewayTests.text(try g.admin("GET", "/admin/sinks"))
        #expect(!sinks.contains(#""name":"removed""#))
        let metrics = GatewayTests.text(try g.client.send(HTTPClientRequest(method: "GET", url: HTTPURL("http://127.0.0.1:\(g.ports.webhooks)/metrics")!)))
        #expect(metrics.contains(#"sink="kept""#))
        #expect(!metrics.contains(#"sink="removed""#), "a removed sink exports no metrics")
        #expect(FileManager.default.fileExists(atPath: g.directory + "/data/sinks/removed/state.log"), "its state stays for a later re-add")
    }

    @Test func aSinkThatCannotStartRejectsTheReloadAndTheRunningSinksGoOn() throws {
        let log = RecordingLogHandler()
        let g = try RunningGatewayHarness(logger: Logger(level: .info, handler: log))
        let main = g.directory + "/events.jsonl"
        // A regular file where the new sink needs a directory: its file cannot be opened.
        try "".write(toFile: g.directory + "/not-a-directory", atomically: true, encoding: .utf8)
        let broken = g.directory + "/not-a-directory/events.jsonl"
        let extra = """
          - name: retell
            provider: retell
            secret: test-api-key
        """
        try RunningGatewayHarness.config(
            directory: g.directory, extraSources: extra,
            sinks: [RunningGatewayHarness.fileSink("file", path: g.directory + "/moved.jsonl"),
                    RunningGatewayHarness.fileSink("broken", path: broken)].joined(separator: "\n"))
            .write(toFile: g.configPath, atomically: true, encoding: .utf8)
        g.gateway.reload()
        #expect(log.messages.contains { $0.contains("reload rejected: sink 'broken' cannot start") && $0.contains("not-a-directory") })
        #expect(!log.messages.contains("configuration reloaded"))
        let id = try Self.send(g, 1)
        #expect(Self.waitFor { Self.ids(in: main) == [id] }, "the previous sink still delivers to its old path")
        #expect(Self.ids(in: g.directory + "/moved.jsonl").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: g.directory + "/data/sinks/broken"), "a refused sink leaves no state")
        #expect(try g.webhook("/webhooks/retell", body: "{}", headers: HeaderFields()).status == 404, "nor were the sources swapped")
    }
}

/// Keeps every log record so a test can check what the operator was told.
final class RecordingLogHandler: LogHandler {
    let records = Mutex<[LogRecord]>([])
    func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
    var messages: [String] { records.withLock { $0.map(\.message) } }
}

/// The reload plan compares what a sink's secret references resolve to, not only its YAML.
@Suite struct SinkReloadPlanTests {
    static func setups(secretFile contents: String) throws -> [SinkSetup] {
        let resolver = SecretResolver(environment: { _ in nil }, readFile: { $0 == "/run/hook.key" ? Array(contents.utf8) : nil })
        let diagnostics = ConfigDiagnostics(secretResolver: resolver)
        let yaml = RunningGatewayHarness.config(directory: "/tmp/unused", sinks: """
              - name: hook
                type: http
                url: http://127.0.0.1:9/events
                secret: ${file:/run/hook.key}
            \(RunningGatewayHarness.fileSink("file", path: "/tmp/unused/events.jsonl"))
            """)
        let configuration = GatewayConfiguration.decode(try YAMLLoader.load(text: yaml, file: "gateway.yaml"), diagnostics: diagnostics)
        let sinks = SinkSetup.build(configuration.sinks, logger: .silent, diagnostics: diagnostics)
        try diagnostics.throwIfAny()
        return sinks
    }

    static func kept(_ plan: [DeliveryEngine.Plan]) -> [String] {
        plan.compactMap { if case .keep(let name) = $0 { name } else { nil } }
    }

    @Test func aSinkWhoseSecretFileChangedRunsAnewTheOthersKeepRunning() throws {
        let running = try Self.setups(secretFile: IngressHarness.svixSecret + "\n")
        let same = try Self.setups(secretFile: IngressHarness.svixSecret)  // the newline is not part of it
        #expect(Self.kept(SinkSetup.reloadPlan(running: running, reloaded: same)) == ["hook", "file"])
        let rotated = try Self.setups(secretFile: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())
        #expect(Self.kept(SinkSetup.reloadPlan(running: running, reloaded: rotated)) == ["file"])
    }
}
