// The http sink against an in-process HTTPServer on port 0: headers, signature, modes, and how
// responses become outcomes.

import Foundation
import GatewayCore
import GatewayCrypto
import GatewayHTTP
import GatewayStore
import Synchronization
import Testing
@testable import GatewayDelivery

/// Records every request and answers with `status(requestNumber)`.
final class Receiver: HTTPHandler {
    let requests = Mutex<[HTTPRequest]>([])
    let status: @Sendable (Int) -> HTTPResponse

    init(status: @escaping @Sendable (Int) -> HTTPResponse = { _ in HTTPResponse(status: 204) }) { self.status = status }

    func prepare(_ head: HTTPRequestHead) -> HeadVerdict { .accept(bodyLimit: 1 << 20) }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let n = requests.withLock { $0.append(request); return $0.count }
        responder.respond(status(n))
    }
}

func withReceiver(_ receiver: Receiver, _ body: (Int) throws -> Void) throws {
    let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoops: 1),
                            handler: receiver, logger: .silent)
    let port = try server.start()
    defer { server.shutdown(grace: 1) }
    try body(port)
}

let secretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func httpSink(port: Int, mode: HTTPSinkMode = .structured, headers: HeaderFields = HeaderFields(),
              onClientError: RetryPolicy.ClientErrorHandling = .deadLetter) throws -> HTTPSink {
    HTTPSink(name: "http", configuration: HTTPSink.Configuration(
        url: HTTPURL("http://127.0.0.1:\(port)/hooks?x=1")!, headers: headers, mode: mode,
        signer: try StandardWebhooksSigner(secret: Secret(secretText)), onClientError: onClientError),
        client: HTTPClient(configuration: .init(connectTimeout: 2, responseTimeout: 2)))
}

@Test func signerMatchesTheStandardWebhooksReferenceVector() throws {
    // From the Standard Webhooks specification's test suite.
    let signer = try StandardWebhooksSigner(secret: Secret(secretText))
    let sig = signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
    #expect(sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    #expect(!signer.description.contains("MfKQ"))
    #expect(throws: StandardWebhooksSigner.KeyError.notBase64) { try StandardWebhooksSigner(secret: Secret("whsec_***")) }
}

@Test func structuredDeliveryIsSignedAndVerifiesWithTheSecret() throws {
    let receiver = Receiver()
    try withReceiver(receiver) { port in
        let sink = try httpSink(port: port, headers: HeaderFields([("Authorization", "Bearer internal")]))
        defer { sink.close() }
        let event = makeEvent("evt_1", session: "bot-1")
        #expect(sink.deliver(event) == .delivered(status: 204))
        let r = try #require(receiver.requests.withLock { $0.first })
        #expect(r.method == "POST" && r.path == "/hooks")
        #expect(r.body == event.envelope)
        #expect(r.header("content-type") == "application/cloudevents+json")
        #expect(r.header("authorization") == "Bearer internal")
        #expect(r.header("x-request-id") == "req-evt_1")
        #expect(r.header("traceparent") == event.traceparent)
        #expect(r.header("webhook-id") == "evt_1")
        // Verify as a receiver would: recompute over the received bytes with the decoded key.
        let ts = try #require(r.header("webhook-timestamp"))
        #expect(abs(Int64(ts)! - Timestamp.now().seconds) < 60)
        let key = Base64.decode(String(secretText.dropFirst(6)))!
        let expected = "v1," + Base64.encode(HMACKey(algorithm: .sha256, key: key).authenticate(Array("evt_1.\(ts).".utf8), r.body))
        #expect(r.header("webhook-signature") == expected)
    }
}

@Test func binaryModeSendsAttributesAsHeadersAndDataAsBody() throws {
    let receiver = Receiver()
    try withReceiver(receiver) { port in
        let sink = try httpSink(port: port, mode: .binary)
        defer { sink.close() }
        #expect(sink.deliver(makeEvent("evt_2", session: "bot 2")) == .delivered(status: 204))
        let r = try #require(receiver.requests.withLock { $0.first })
        #expect(r.header("content-type") == "application/json")
        #expect(r.header("ce-id") == "evt_2")
        #expect(r.header("ce-specversion") == "1.0")
        #expect(r.header("ce-type") == "session.joined")
        #expect(r.header("ce-subject") == "bot%202")
        #expect(r.header("ce-data") == nil)
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"provider":"recall","session":{"id":"bot 2"},"n":1.50}"#)
    }
}

@Test func dataModeSendsTheBareMeetingEvent() throws {
    let receiver = Receiver()
    try withReceiver(receiver) { port in
        let sink = try httpSink(port: port, mode: .data)
        defer { sink.close() }
        #expect(sink.deliver(makeEvent("evt_3")) == .delivered(status: 204))
        let r = try #require(receiver.requests.withLock { $0.first })
        #expect(r.header("content-type") == "application/json")
        #expect(r.header("ce-id") == nil)
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"provider":"recall","session":null,"n":1.50}"#)
    }
}

@Test func responsesBecomeOutcomes() throws {
    let statuses: [Int: HTTPResponse] = [
        1: HTTPResponse(status: 503, headers: HeaderFields([("Retry-After", "7")])),
        2: HTTPResponse(status: 400), 3: HTTPResponse(status: 410), 4: HTTPResponse(status: 302), 5: HTTPResponse(status: 200),
    ]
    let receiver = Receiver { statuses[$0]! }
    try withReceiver(receiver) { port in
        let sink = try httpSink(port: port)
        defer { sink.close() }
        let e = makeEvent("evt_4")
        #expect(sink.deliver(e) == .retry(reason: "HTTP 503", after: 7))
        #expect(sink.deliver(e) == .permanent(reason: "HTTP 400"))
        #expect(sink.deliver(e) == .gone(reason: "HTTP 410 Gone"))
        #expect(sink.deliver(e) == .retry(reason: "HTTP 302", after: nil))
        #expect(sink.deliver(e) == .delivered(status: 200))
    }
}

@Test func connectionFailuresRetry() throws {
    // Bind and close a listener to get a port nobody is listening on.
    let receiver = Receiver()
    var closedPort = 0
    try withReceiver(receiver) { closedPort = $0 }
    let sink = try httpSink(port: closedPort)
    defer { sink.close() }
    guard case .retry(let reason, nil) = sink.deliver(makeEvent("evt_5")) else {
        Issue.record("a refused connection must be retried"); return
    }
    #expect(reason.contains("connect"))
}

@Test func outageThenRecoveryDeliversEverythingInPerSessionOrder() throws {
    // The receiver answers 503 to its first 15 requests, then 204.
    let receiver = Receiver { n in n <= 15 ? HTTPResponse(status: 503) : HTTPResponse(status: 204) }
    try withReceiver(receiver) { port in
        let h = try Harness()
        defer { h.close() }
        let engine = try h.engine([ConfiguredSink(sink: try httpSink(port: port), retry: fastRetry([0.02, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]), concurrency: 4)])
        engine.start()
        defer { engine.stop() }
        var expected: [String: [String]] = [:]
        for i in 0..<24 {
            let session = "s\(i % 3)"
            expected[session, default: []].append("e\(i)")
            append(h.journal, makeEvent("e\(i)", session: session))
        }
        #expect(eventually(timeout: 10) { engine.status()[0].cursor == h.journal.end })
        var received: [String: [String]] = [:]
        let requests = receiver.requests.withLock { $0 }
        for (n, r) in requests.enumerated() where n >= 15 {
            let id = r.header("webhook-id")!
            let session = try #require(JSON.parse(r.body)["subject"]?.stringValue)
            received[session, default: []].append(id)
        }
        // Every event arrived once after the outage, each session in journal order.
        #expect(received == expected)
        #expect(try engine.deadLetters(sink: "http").isEmpty)
    }
}

@Test func aRequestTheClientRefusesToFormIsDeadLetteredNotRetried() throws {
    // A request id carrying CR LF would let a sender inject headers downstream: the client refuses
    // it before connecting, and since that can never succeed the outcome is permanent.
    let sink = try httpSink(port: 9)  // nothing listens: a retryable failure would be a connect error
    var event = makeEvent("inj")
    event.requestID = "req\r\nx-injected: 1"
    guard case .permanent = sink.deliver(event) else {
        Issue.record("expected a permanent outcome")
        return
    }
}
