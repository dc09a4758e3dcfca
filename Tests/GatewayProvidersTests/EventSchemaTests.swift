// Every envelope the built-in fixtures produce validates against schema/meeting-event.v1.json and
// schema/cloudevent-envelope.json, checked by Python's jsonschema (schema/validate.py).

import Foundation
import Testing
import GatewayCore
@testable import GatewayProviders

@Suite struct EventSchemaTests {
    /// Runs schema/validate.py over `envelopes`; returns (exit status, combined output).
    func validate(_ envelopes: [[UInt8]]) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("envelopes-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        var bytes: [UInt8] = []
        for e in envelopes { bytes += e; bytes.append(0x0A) }
        try Data(bytes).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Repo.root + "/schema/validate.py", file.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: out, as: UTF8.self)
        if p.terminationStatus == 3 {
            Issue.record("python3 cannot import jsonschema: run `pip install jsonschema` (\(text))")
        }
        return (p.terminationStatus, text)
    }

    @Test func everyFixtureEnvelopeValidatesAgainstTheSchema() throws {
        let registry = try Repo.registry()
        var envelopes: [[UInt8]] = []
        for p in registry.all {
            for r in FixtureRunner.run(p) { if let e = r.envelope { envelopes.append(e) } }
        }
        #expect(envelopes.count > 100)
        let (status, output) = try validate(envelopes)
        #expect(status == 0, "\(output)")
    }

    @Test func theValidatorRejectsAnEnvelopeThatBreaksTheSchema() throws {
        let registry = try Repo.registry()
        let recall = try #require(registry["recall"])
        let good = try #require(FixtureRunner.run(recall).compactMap(\.envelope).first)
        // A type outside the vocabulary must be caught: proves the check above can fail.
        let bad = Array(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"type\":\"session.", with: "\"type\":\"sessions.").utf8)
        let (status, output) = try validate([bad])
        #expect(status == 1, "\(output)")
    }
}
