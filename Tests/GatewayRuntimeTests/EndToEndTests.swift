// The real binary on loopback with real clients. These tests need the `webhook-gateway`
// executable next to the test bundle (`swift build --build-tests` builds it) and python3.

import Foundation
import Testing

enum Binary {
    /// `.build/<config>/webhook-gateway`, found next to the running test bundle.
    static var gateway: String? {
        if let explicit = ProcessInfo.processInfo.environment["GATEWAY_BINARY"] { return explicit }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("webhook-gateway").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir.deleteLastPathComponent()
        }
        return nil
    }

    /// Runs a command, returning its exit status and combined output (through a file, so a
    /// chatty child can never block on a full pipe).
    static func run(_ arguments: [String], timeout: Double) throws -> (status: Int32, output: String) {
        let outPath = NSTemporaryDirectory() + "e2e-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)  // FileHandle below fails loudly if not
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        try out.close()
        return (p.terminationStatus, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
    }
}

@Suite(.serialized) struct EndToEndTests {
    @Test(.timeLimit(.minutes(5)))
    func everyAcknowledgedWebhookSurvivesRepeatedKill9() throws {
        let binary = try #require(Binary.gateway, "webhook-gateway binary not found next to the tests")
        let (status, output) = try Binary.run(
            ["python3", IngressHarness.repositoryRoot + "/Tests/e2e/crash_test.py", "--binary", binary,
             "--providers", IngressHarness.repositoryRoot + "/providers", "--webhooks", "1000", "--kills", "3"],
            timeout: 280)
        let summary = output.split(separator: "\n").first { $0.hasPrefix("crash-test:") }.map(String.init) ?? output
        print(summary)
        #expect(status == 0, "\(output.suffix(2000))")
        #expect(summary.contains("missing=0"))
        #expect(summary.contains("dedupe_lost=0"), "a webhook acknowledged just before kill -9 and re-sent must be a duplicate")
    }

    @Test(.timeLimit(.minutes(3)))
    func outageRecoversInSessionOrderAndDeadLettersAreRetriedExactlyOnce() throws {
        let binary = try #require(Binary.gateway, "webhook-gateway binary not found next to the tests")
        let (status, output) = try Binary.run(
            ["python3", IngressHarness.repositoryRoot + "/Tests/e2e/outage_test.py", "--binary", binary,
             "--providers", IngressHarness.repositoryRoot + "/providers"],
            timeout: 150)
        print(output)
        #expect(status == 0, "\(output.suffix(3000))")
        #expect(output.contains("per_session_order=ok"))
        #expect(output.contains("exactly_once=ok"))
    }

    @Test(.timeLimit(.minutes(3)))
    func sendPlaysEveryVendorEventAgainstTheDefaultConfiguration() throws {
        let binary = try #require(Binary.gateway, "webhook-gateway binary not found next to the tests")
        let (status, output) = try Binary.run(
            ["bash", IngressHarness.repositoryRoot + "/Tests/e2e/send_all.sh", binary, IngressHarness.repositoryRoot], timeout: 150)
        print(output.split(separator: "\n").last.map { String($0) } ?? "")
        #expect(status == 0, "\(output.suffix(3000))")
        #expect(output.contains("failed=0"))
    }
}
