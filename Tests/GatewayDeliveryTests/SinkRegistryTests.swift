// Strict decoding of the built-in sinks' own keys, with file:line:col errors.

import GatewayCore
import Testing
@testable import GatewayDelivery

func at(_ line: Int, _ column: Int) -> GatewayCore.SourceLocation { GatewayCore.SourceLocation(file: "gateway.yaml", line: line, column: column) }

func key(_ name: String, _ value: ConfigNode, line: Int) -> (key: ConfigNode, value: ConfigNode) {
    (ConfigNode(.scalar(name, quoted: false), at: at(line, 5)), value)
}

func scalar(_ text: String, line: Int) -> ConfigNode { ConfigNode(.scalar(text, quoted: false), at: at(line, 11)) }

func sinkNode(_ pairs: [(key: ConfigNode, value: ConfigNode)]) -> ConfigNode { ConfigNode(.mapping(pairs), at: at(1, 3)) }

let envelopeKeys = ["name", "type", "filter", "ordering", "retry", "concurrency"]

func decode(_ node: ConfigNode, env: [String: String] = [:]) -> (sink: (any Sink)?, diagnostics: ConfigDiagnostics) {
    let d = ConfigDiagnostics(secretResolver: SecretResolver(environment: { env[$0] }, readFile: { _ in nil }))
    let sink = SinkRegistry.builtIn.makeSink(node: node, envelopeKeys: envelopeKeys, context: SinkContext(name: "ops"), diagnostics: d)
    return (sink, d)
}

@Test func decodesAnHTTPSinkWithEveryKey() throws {
    let node = sinkNode([
        key("name", scalar("ops", line: 2), line: 2),
        key("type", scalar("http", line: 3), line: 3),
        key("url", scalar("http://127.0.0.1:9000/in", line: 4), line: 4),
        key("secret", scalar("${env:SINK_SECRET}", line: 5), line: 5),
        key("mode", scalar("binary", line: 6), line: 6),
        key("timeout", scalar("2s", line: 7), line: 7),
        key("headers", ConfigNode(.mapping([key("X-Team", scalar("ops", line: 9), line: 9)]), at: at(8, 5)), line: 8),
        key("retry", sinkNode([]), line: 10),
    ])
    let (sink, d) = decode(node, env: ["SINK_SECRET": secretText])
    #expect(d.errors.isEmpty, "\(d.errors)")
    let http = try #require(sink as? HTTPSink)
    #expect(http.configuration.mode == .binary)
    #expect(http.configuration.headers["x-team"] == "ops")
    #expect(http.configuration.signer != nil)
    #expect(http.client.configuration.responseTimeout == 2)
    http.close()
}

@Test func unknownKeysTypesAndReservedHeadersAreReportedWhereWritten() {
    let (_, d1) = decode(sinkNode([
        key("type", scalar("stdout", line: 2), line: 2),
        key("fromat", scalar("json", line: 3), line: 3),
    ]))
    #expect(d1.errors.map(\.description) == ["gateway.yaml:3:5: unknown key 'fromat' in sink 'ops' (did you mean 'format'?)"])

    let (_, d2) = decode(sinkNode([key("type", scalar("htp", line: 2), line: 2)]))
    #expect(d2.errors.map(\.description) == ["gateway.yaml:2:11: sink 'ops': unknown sink type 'htp'; known types: http, file, stdout (did you mean 'http'?)"])

    let (_, d3) = decode(sinkNode([
        key("type", scalar("http", line: 2), line: 2),
        key("url", scalar("ftp://x", line: 3), line: 3),
        key("headers", ConfigNode(.mapping([key("Webhook-Signature", scalar("x", line: 5), line: 5)]), at: at(4, 5)), line: 4),
        key("mode", scalar("structure", line: 6), line: 6),
    ]))
    let messages = d3.errors.map(\.description)
    #expect(messages.count == 3, "\(messages)")
    #expect(messages.contains { $0.hasPrefix("gateway.yaml:3:11: sink 'ops': 'url' is not a usable URL") })
    #expect(messages.contains("gateway.yaml:5:11: sink 'ops': header 'Webhook-Signature' is set by the gateway and cannot be configured"))
    #expect(messages.contains { $0.hasPrefix("gateway.yaml:6:11: sink 'ops': 'mode' must be one of structured, binary, data") })
}

@Test func httpSinkSecretProblemsAreErrorsThatNeverShowTheSecret() {
    let base = [key("type", scalar("http", line: 2), line: 2), key("url", scalar("http://h/x", line: 3), line: 3)]
    let (unset, d1) = decode(sinkNode(base + [key("secret", scalar("${env:SINK_SECRET}", line: 4), line: 4)]))
    #expect(unset == nil)
    #expect(d1.errors.map(\.description) == ["gateway.yaml:4:11: sink 'ops': 'secret' refers to environment variable SINK_SECRET, which is not set"])

    let (bad, d2) = decode(sinkNode(base + [key("secret", scalar("${env:SINK_SECRET}", line: 4), line: 4)]), env: ["SINK_SECRET": "whsec_not*base64!"])
    #expect(bad == nil)
    #expect(d2.errors.count == 1)
    #expect(!d2.errors[0].description.contains("not*base64"))

    let (unsigned, d3) = decode(sinkNode(base))
    #expect(unsigned != nil && d3.errors.isEmpty)
    #expect(d3.warnings.map(\.message) == ["sink 'ops': no 'secret': requests will not be signed"])
    unsigned?.close()
}

@Test func fileSinkNeedsAPathAndValidRotation() throws {
    let (missing, d1) = decode(sinkNode([key("type", scalar("file", line: 2), line: 2)]))
    #expect(missing == nil)
    #expect(d1.errors.map(\.description) == ["gateway.yaml:1:3: sink 'ops': missing required key 'path'"])

    let (sink, d2) = decode(sinkNode([
        key("type", scalar("file", line: 2), line: 2),
        key("path", scalar("/tmp/x.jsonl", line: 3), line: 3),
        key("max_size", scalar("10MiB", line: 4), line: 4),
        key("rotate_every", scalar("24h", line: 5), line: 5),
    ]))
    #expect(d2.errors.isEmpty)
    let file = try #require(sink as? FileSink)
    #expect(file.rotation == FileRotation(maxSize: 10 << 20, every: 86400))
}
