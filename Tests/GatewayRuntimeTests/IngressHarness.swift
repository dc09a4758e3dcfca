// A real ingress on port 0: HTTP server, journal and dedupe index in a temporary directory, the
// repository's provider files, and a configuration given as YAML text.

import Foundation
@testable import GatewayRuntime
import GatewayConfig
import GatewayCore
import GatewayHTTP
import GatewayProviders
import GatewayStore

final class IngressHarness: @unchecked Sendable {  // tests use it from one task at a time
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let svixSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    let directory: String
    let journal: Journal
    let dedupe: DedupeIndex
    let handler: IngressHandler
    let server: HTTPServer
    let client = HTTPClient()
    let port: Int
    let graph: IngressGraph
    let health = HealthState()

    init(sources: String, environment: [String: String] = [:], directory: String? = nil) throws {
        self.directory = directory ?? NSTemporaryDirectory() + "ingress-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        let yaml = """
        providers_dir: \(IngressHarness.repositoryRoot)/providers
        storage:
          path: \(self.directory)
        sources:
        \(sources)
        """
        let resolver = SecretResolver(environment: { environment[$0] }, readFile: { _ in nil })
        let diagnostics = ConfigDiagnostics(secretResolver: resolver)
        let node = try YAMLLoader.load(text: yaml, file: "test.yaml")
        let configuration = GatewayConfiguration.decode(node, diagnostics: diagnostics)
        let providers = ProviderRegistry.load(directory: configuration.providersDirectory, diagnostics: diagnostics)
        graph = IngressGraph(configuration: configuration, providers: providers, diagnostics: diagnostics)
        try diagnostics.throwIfAny()
        journal = try Journal(directory: self.directory, options: JournalOptions(fsync: .always, segmentSize: 1 << 20), logger: .silent)
        dedupe = try DedupeIndex(directory: self.directory, journal: journal, logger: .silent)
        let registry = MetricsRegistry()
        handler = IngressHandler(
            graph: graph, journal: journal, dedupe: dedupe, sessions: SessionStateTracker(), registry: registry,
            metrics: IngressMetrics(registry: registry), health: health, logger: .silent, maxInFlight: 1000)
        health.markStarted()
        server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoops: 1), handler: handler, logger: .silent)
        port = try server.start()
    }

    deinit {
        server.shutdown(grace: 1)
        client.close()
        journal.close()
        dedupe.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func post(_ path: String, body: String, headers: [(String, String)] = []) throws -> HTTPClientResponse {
        try request("POST", path, body: Array(body.utf8), headers: HeaderFields(headers))
    }

    func request(_ method: String, _ path: String, body: [UInt8] = [], headers: HeaderFields = HeaderFields()) throws -> HTTPClientResponse {
        var h = headers
        if !body.isEmpty { h.set("content-type", "application/json") }
        return try client.send(HTTPClientRequest(method: method, url: HTTPURL("http://127.0.0.1:\(port)\(path)")!, headers: h, body: body))
    }

    /// Headers the provider would send for `body`, signed now with a fresh message id.
    func signed(_ provider: String, _ body: String, secret: String, messageID: String = "msg_\(UUID().uuidString)", at time: Timestamp = .now()) -> [(String, String)] {
        let scheme = graph.providers[provider]!.verification
        return scheme.sign(body: Array(body.utf8), secret: Secret(secret), timestamp: time, messageID: messageID).map { ($0.name, $0.value) }
    }

    func storedEvents() throws -> [StoredEvent] {
        try journal.read(after: nil, limit: 1000).map { try StoredEvent(decoding: $0.payload) }
    }

    static func text(_ r: HTTPClientResponse) -> String { String(decoding: r.body, as: UTF8.self) }
}
