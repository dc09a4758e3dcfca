// A whole gateway in-process (storage, delivery, both listeners) configured from a YAML file:
// the admin API with its token, reload (valid and invalid), and the /metrics format.

import Foundation
@testable import GatewayRuntime
import GatewayCore
import GatewayHTTP
import Synchronization
import Testing

final class RunningGatewayHarness: @unchecked Sendable {  // used from one test at a time
    let directory: String
    let configPath: String
    let gateway: Gateway
    let ports: (webhooks: Int, admin: Int?)
    let client = HTTPClient()
    static let token = "admin-token-for-tests"

    static func fileSink(_ name: String, path: String) -> String {
        """
          - name: \(name)
            type: file
            path: \(path)
        """
    }

    static func config(directory: String, extraSources: String = "", sinks: String? = nil) -> String {
        """
        server:
          listen: 127.0.0.1:0
          event_loops: 1
        storage:
          path: \(directory)/data
          fsync: always
        providers_dir: \(IngressHarness.repositoryRoot)/providers
        sources:
          - name: recall
            provider: recall
            secret: \(IngressHarness.svixSecret)
        \(extraSources)
        sinks:
        \(sinks ?? fileSink("file", path: directory + "/events.jsonl"))
        admin:
          listen: 127.0.0.1:0
          token: ${env:ADMIN_TOKEN}
        log:
          level: error
        """
    }

    init(logger: Logger = .silent) throws {
        directory = NSTemporaryDirectory() + "gw-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        configPath = directory + "/gateway.yaml"
        try Self.config(directory: directory).write(toFile: configPath, atomically: true, encoding: .utf8)
        let resolver = SecretResolver(environment: { $0 == "ADMIN_TOKEN" ? RunningGatewayHarness.token : nil }, readFile: { _ in nil })
        let setup = try GatewaySetup.load(configPath: configPath, secrets: resolver)
        gateway = try Gateway(setup: setup, secrets: resolver, logger: logger)
        ports = try gateway.start()
    }

    deinit {
        gateway.stop()
        client.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func admin(_ method: String, _ path: String, token: String? = RunningGatewayHarness.token, body: String = "") throws -> HTTPClientResponse {
        var h = HeaderFields()
        if let token { h.add("authorization", "Bearer \(token)") }
        return try client.send(HTTPClientRequest(method: method, url: HTTPURL("http://127.0.0.1:\(ports.admin!)\(path)")!, headers: h, body: Array(body.utf8)))
    }

    func webhook(_ path: String, body: String, headers: HeaderFields) throws -> HTTPClientResponse {
        var h = headers
        h.set("content-type", "application/json")
        return try client.send(HTTPClientRequest(method: "POST", url: HTTPURL("http://127.0.0.1:\(ports.webhooks)\(path)")!, headers: h, body: Array(body.utf8)))
    }

    func signedRecall(_ body: String) -> HeaderFields {
        gateway.setup.withLock { $0.providers["recall"]! }.verification
            .sign(body: Array(body.utf8), secret: Secret(IngressHarness.svixSecret), timestamp: .now(), messageID: "msg_\(UUID().uuidString)")
    }
}

@Suite(.serialized) struct GatewayTests {
    static func text(_ r: HTTPClientResponse) -> String { String(decoding: r.body, as: UTF8.self) }

    @Test func adminAPIRequiresTheBearerToken() throws {
        let g = try RunningGatewayHarness()
        #expect(try g.admin("GET", "/admin/sinks", token: nil).status == 401)
        #expect(try g.admin("GET", "/admin/sinks", token: "wrong").status == 401)
        let ok = try g.admin("GET", "/admin/sinks")
        #expect(ok.status == 200)
        #expect(Self.text(ok).contains(#""name":"file""#))
        #expect(try g.admin("GET", "/healthz", token: nil).status == 200)
        #expect(try g.admin("GET", "/admin/nope").status == 404)
        #expect(try g.admin("GET", "/admin/sinks/file/pause").status == 405)
    }

    @Test func adminAPIListsEventsAndShowsWhereOneStands() throws {
        let g = try RunningGatewayHarness()
        let body = IngressTests.botDone
        let r = try g.webhook("/webhooks/recall", body: body, headers: g.signedRecall(body))
        #expect(r.status == 200)
        let list = try g.admin("GET", "/admin/events?type=session.*")
        #expect(list.status == 200)
        #expect(Self.text(list).contains(#""type":"session.completed""#))
        let id = try #require(Self.text(r).split(separator: "\"").first { $0.hasPrefix("evt_") }.map(String.init))
        // Delivery is asynchronous: wait until the file sink has it.
        var state = ""
        for _ in 0..<100 {
            state = Self.text(try g.admin("GET", "/admin/events/\(id)"))
            if state.contains(#""state":"done""#) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(state.contains(#""file":{"state":"done","recorded_attempts":[]}"#), "a first-time success records no attempt")
        #expect(try g.admin("GET", "/admin/events/evt_missing").status == 404)
        #expect(try g.admin("GET", "/admin/events?bogus=1").status == 400)
    }

    @Test func adminAPIPausesResumesTestsAndReplays() throws {
        let g = try RunningGatewayHarness()
        #expect(try g.admin("POST", "/admin/sinks/file/pause").status == 200)
        #expect(Self.text(try g.admin("GET", "/admin/sinks")).contains(#""reason":"#))
        #expect(try g.admin("POST", "/admin/sinks/file/resume").status == 200)
        let test = try g.admin("POST", "/admin/sinks/file/test")
        #expect(Self.text(test).contains(#""delivered":true"#))
        let lines = try String(contentsOfFile: g.directory + "/events.jsonl", encoding: .utf8)
        #expect(lines.contains(#""type":"provider.test""#))
        #expect(try g.admin("POST", "/admin/sinks/nope/pause").status == 404)
        // Nothing is waiting for a retry (the file sink delivered everything).
        #expect(Self.text(try g.admin("POST", "/admin/sinks/file/retry-now")) == #"{"retries":"0","sink":"file"}"#)
        #expect(try g.admin("GET", "/admin/sinks/file/retry-now").status == 405)
        #expect(try g.admin("GET", "/admin/sinks/file/dead-letters").status == 200)
        #expect(Self.text(try g.admin("GET", "/admin/sinks/file/attempts?limit=5")) == "[]")
        #expect(try g.admin("GET", "/admin/sinks/nope/attempts").status == 404)
        #expect(try g.admin("GET", "/admin/sinks/file/attempts?limit=1001").status == 400)
        #expect(try g.admin("POST", "/admin/sinks/file/attempts").status == 405)
        #expect(try g.admin("POST", "/admin/sinks/file/dead-letters/retry", body: "not json").status == 400)
        let replay = try g.admin("POST", "/admin/sinks/file/replay?from=2020-01-01T00:00:00Z")
        #expect(replay.status == 200)
    }

    @Test func reloadAddsASourceAndKeepsServingThroughAnInvalidFile() throws {
        let g = try RunningGatewayHarness()
        let body = #"{"event":"call_ended","call":{"call_id":"c1","start_timestamp":1700000000000}}"#
        func retell() throws -> Int {
            let headers = g.gateway.setup.withLock { $0.providers["retell"]! }.verification
                .sign(body: Array(body.utf8), secret: Secret("test-api-key"), timestamp: .now(), messageID: "")
            return try g.webhook("/webhooks/retell", body: body, headers: headers).status
        }
        #expect(try retell() == 404)
        let extra = """
          - name: retell
            provider: retell
            secret: test-api-key
        """
        try RunningGatewayHarness.config(directory: g.directory, extraSources: extra).write(toFile: g.configPath, atomically: true, encoding: .utf8)
        g.gateway.reload()
        #expect(try retell() == 200)
        try "sources: [ {name: broken".write(toFile: g.configPath, atomically: true, encoding: .utf8)
        g.gateway.reload()
        #expect(try retell() == 200, "the previous configuration keeps serving")
    }

    @Test func reloadsUnderLoadWithoutFailingARequest() throws {
        let g = try RunningGatewayHarness()
        let failures = Mutex(0), sent = Mutex(0)
        let stop = Atomic<Bool>(false)
        let senders = (0..<4).map { n in
            Thread {
                let client = HTTPClient()
                defer { client.close() }
                var i = 0
                while !stop.load(ordering: .relaxed) {
                    i += 1
                    let body = IngressTests.botDone.replacingOccurrences(of: "3be05ff8", with: "\(n)-\(i)")
                    var h = g.signedRecall(body)
                    h.set("content-type", "application/json")
                    let status = (try? client.send(HTTPClientRequest(
                        method: "POST", url: HTTPURL("http://127.0.0.1:\(g.ports.webhooks)/webhooks/recall")!, headers: h,
                        body: Array(body.utf8))).status) ?? -1
                    sent.withLock { $0 += 1 }
                    if status != 200 { failures.withLock { $0 += 1 } }
                }
            }
        }
        senders.forEach { $0.start() }
        let valid = RunningGatewayHarness.config(directory: g.directory)
        for round in 0..<6 {
            Thread.sleep(forTimeInterval: 0.15)
            // Alternate valid and invalid files: neither may fail a request in flight.
            try (round % 2 == 0 ? valid + "\n# reload \(round)\n" : "sources: [").write(toFile: g.configPath, atomically: true, encoding: .utf8)
            g.gateway.reload()
        }
        Thread.sleep(forTimeInterval: 0.15)
        stop.store(true, ordering: .relaxed)
        while senders.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.01) }
        print("reload under load: \(sent.withLock { $0 }) requests, \(failures.withLock { $0 }) failed")
        #expect(sent.withLock { $0 } > 50)
        #expect(failures.withLock { $0 } == 0)
    }

    @Test func metricsPassAPrometheusTextFormatParser() throws {
        let g = try RunningGatewayHarness()
        let body = IngressTests.botDone
        _ = try g.webhook("/webhooks/recall", body: body, headers: g.signedRecall(body))
        _ = try g.webhook("/webhooks/recall", body: body, headers: HeaderFields())
        let metrics = try g.client.send(HTTPClientRequest(method: "GET", url: HTTPURL("http://127.0.0.1:\(g.ports.webhooks)/metrics")!))
        let text = Self.text(metrics)
        for name in ["gateway_requests_total", "gateway_verification_failures_total", "gateway_ingest_duration_seconds_bucket",
                     "gateway_journal_fsyncs_total", "gateway_journal_rollovers_total", "gateway_journal_prepared_rollovers_total", "gateway_journal_fsync_duration_seconds_bucket", "gateway_journal_batch_records_bucket", "gateway_delivery_queue_depth", "gateway_delivery_attempts_total", "gateway_delivery_duration_seconds", "gateway_delivery_oldest_undelivered_seconds", "gateway_delivery_dead_letters", "gateway_delivery_paused", "process_resident_memory_bytes", "gateway_heap_in_use_bytes", "gateway_heap_held_bytes", "gateway_build_info", "gateway_open_connections", "gateway_event_loop_round_seconds_bucket"] {
            #expect(text.contains(name), "\(name) missing")
        }
        // The two webhooks were read, handled and answered in rounds that ended before this scrape.
        let rounds = text.split(separator: "\n").first { $0.hasPrefix("gateway_event_loop_round_seconds_count") }
            .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
        #expect(rounds >= 2, "\(rounds) event-loop rounds counted")
        #expect(text.contains(#"gateway_verification_failures_total{source="recall",reason="missing_header"} 1"#))
        let file = g.directory + "/metrics.txt"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try Binary.run(["sh", "-c", "python3 \(IngressHarness.repositoryRoot)/Tests/e2e/prom_check.py < \(file)"], timeout: 30)
        #expect(status == 0, "\(output)")
    }
}
