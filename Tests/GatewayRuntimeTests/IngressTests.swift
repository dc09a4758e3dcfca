import Foundation
@testable import GatewayRuntime
import GatewayCore
import GatewayHTTP
import GatewayStore
import Testing

@Suite(.serialized) struct IngressTests {
    static let recallSource = """
      - name: recall
        provider: recall
        secret: ${env:RECALL_SECRET}
    """
    static let env = ["RECALL_SECRET": IngressHarness.svixSecret]
    static let botDone: String = #"{"event":"bot.done","data":{"data":{"code":"done","sub_code":null,"updated_at":"2024-11-15T21:12:01.000000Z"},"bot":{"id":"3be05ff8-87cd-4c40-8b54-ee2636abb4f3","metadata":{"customer":"acme"}}}}"#

    @Test func acceptsAVerifiedWebhookOnlyAfterJournalingIt() throws {
        let h = try IngressHarness(sources: Self.recallSource, environment: Self.env)
        let r = try h.post("/webhooks/recall", body: Self.botDone, headers: h.signed("recall", Self.botDone, secret: IngressHarness.svixSecret))
        #expect(r.status == 200)
        #expect(IngressHarness.text(r).contains(#""id":"evt_"#))
        #expect(r.headers["x-request-id"] != nil)
        let events = try h.storedEvents()
        #expect(events.count == 1)
        #expect(events.first?.type == "session.completed")
        #expect(events.first?.sessionID == "3be05ff8-87cd-4c40-8b54-ee2636abb4f3")
        #expect(events.first?.requestBody == Array(Self.botDone.utf8))
        #expect(events.first?.requestHeaders["webhook-id"] != nil, "the raw request's headers are journaled too")
        #expect(IngressHarness.text(r) == #"{"ok":true,"id":""# + (events.first?.id ?? "?") + #""}"#)
        #expect(r.headers["content-type"] == "application/json")
        // A new trace was started (no traceparent came in) and travels in the envelope too.
        let trace = try #require(events.first?.traceparent)
        #expect(TraceContext.parse(trace) != nil)
        let envelope = String(decoding: events.first?.envelope ?? [], as: UTF8.self)
        let member = "\"traceparent\":\"" + trace + "\""
        #expect(envelope.contains(member))
    }

    /// The record stores the vendor's body once: it relies on EventEnvelope writing the body as
    /// `data.raw` right before the envelope's closing `}}` (StoredEvent's encoding checks there).
    @Test func theJournalRecordHoldsTheVendorBodyOnce() throws {
        let h = try IngressHarness(sources: Self.recallSource, environment: Self.env)
        let r = try h.post("/webhooks/recall", body: Self.botDone, headers: h.signed("recall", Self.botDone, secret: IngressHarness.svixSecret))
        #expect(r.status == 200)
        let record = try #require(try h.journal.read(after: nil, limit: 1).first)
        let event = try StoredEvent(decoding: record.payload)
        #expect(event.requestBody == Array(Self.botDone.utf8))
        let body = event.requestBody
        let copies = (0...(record.payload.count - body.count)).filter { record.payload[$0..<($0 + body.count)].elementsEqual(body) }
        #expect(copies.count == 1, "the body appears \(copies.count) times in the record")
    }

    @Test func continuesTheSendersTraceAsANewSpan() throws {
        let h = try IngressHarness(sources: Self.recallSource, environment: Self.env)
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let r = try h.post("/webhooks/recall", body: Self.botDone,
                           headers: h.signed("recall", Self.botDone, secret: IngressHarness.svixSecret) + [("traceparent", incoming)])
        #expect(r.status == 200)
        let trace = try #require(try h.storedEvents().first?.traceparent)
        #expect(trace.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"))
        #expect(trace != incoming)
        #expect(trace.hasSuffix("-01"))
    }

    @Test func answersARedeliveryAsDuplicateWithoutANewEvent() throws {
        let h = try IngressHarness(sources: Self.recallSource, environment: Self.env)
        let headers = h.signed("recall", Self.botDone, secret: IngressHarness.svixSecret, messageID: "msg_same")
        let first = try h.post("/webhooks/recall", body: Self.botDone, headers: headers)
        let second = try h.post("/webhooks/recall", body: Self.botDone, headers: headers)
        #expect(first.status == 200)
        #expect(second.status == 200)
        #expect(IngressHarness.text(second).contains(#""duplicate":true"#))
        #expect(try h.storedEvents().count == 1)
    }

    @Test func refusesBadSignaturesStaleTimestampsAndMissingHeadersWithABare401() throws {
        let h = try IngressHarness(sources: Self.recallSource, environment: Self.env)
        let wrongKey = h.signed("recall", Self.botDone, secret: "whsec_" + Data("another key entirely".utf8).base64EncodedString())
        let stale = h.signed("recall", Self.botDone, secret: IngressHarness.svixSecret, at: Timestamp.now().adding(seconds: -600))
        for headers in [wrongKey, stale, []] {
            let r = try h.post("/webhooks/recall", body: Self.botDone, headers: headers)
            #expect(r.status == 401)
            #expect(IngressHarness.text(r) == "unauthorized\n")
        }
        #expect(try h.storedEvents().isEmpty)
    }

    @Test func refusesASignedBodyThatIsNotJSONWith400() throws {
        let h = try IngressHarness(sources: Self.recallSource, environment: Self.env)
        let body = #"{"event":"bot.done","data":"#
        let r = try h.post("/webhooks/recall", body: body, headers: h.signed("recall", body, secret: IngressHarness.svixSecret))
        #expect(r.status == 400)
    }

    @Test func routesUnknownPathsAndWrongMethods() throws {
        let h = try IngressHarness(sources: Self.recallSource, environment: Self.env)
        #expect(try h.request("POST", "/webhooks/nope", body: [0x7B, 0x7D]).status == 404)
        let get = try h.request("GET", "/webhooks/recall")
        #expect(get.status == 405)
        #expect(get.headers["allow"] == "POST")
        #expect(try h.request("GET", "/healthz").status == 200)
        #expect(try h.request("GET", "/readyz").status == 200)
        let metrics = try h.request("GET", "/metrics")
        #expect(IngressHarness.text(metrics).contains("# TYPE gateway_requests_total counter"))
    }

    /// Each source's success metrics are found by its route's index: the second source's 200s
    /// count under its own name, not the first's.
    @Test func countsEachSourcesAnswersUnderItsOwnName() throws {
        let sources = Self.recallSource + """

              - name: second
                provider: recall
                secret: ${env:RECALL_SECRET}
            """
        let h = try IngressHarness(sources: sources, environment: Self.env)
        for _ in 0..<2 {
            #expect(try h.post("/webhooks/second", body: Self.botDone, headers: h.signed("recall", Self.botDone, secret: IngressHarness.svixSecret)).status == 200)
        }
        let body = Self.botDone.replacingOccurrences(of: "3be05ff8", with: "00000001")
        #expect(try h.post("/webhooks/recall", body: body, headers: h.signed("recall", body, secret: IngressHarness.svixSecret)).status == 200)
        let metrics = IngressHarness.text(try h.request("GET", "/metrics"))
        #expect(metrics.contains(#"gateway_requests_total{source="second",status="200"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"gateway_requests_total{source="recall",status="200"} 1"#), "\(metrics)")
    }

    @Test func answers503AndStoresNothingWhileTheSecretIsUnset() throws {
        let h = try IngressHarness(sources: Self.recallSource, environment: [:])
        let r = try h.post("/webhooks/recall", body: Self.botDone, headers: h.signed("recall", Self.botDone, secret: IngressHarness.svixSecret))
        #expect(r.status == 503)
        #expect(try h.storedEvents().isEmpty)
    }

    @Test func autoDetectsTheSourceThatVerifiesTheSignature() throws {
        let sources = Self.recallSource + """

          - name: retell
            provider: retell
            secret: test-api-key
        """
        let h = try IngressHarness(sources: sources, environment: Self.env)
        let ok = try h.post("/webhooks", body: Self.botDone, headers: h.signed("recall", Self.botDone, secret: IngressHarness.svixSecret))
        #expect(ok.status == 200)
        #expect(try h.storedEvents().first?.source == "recall")
        let forged = try h.post("/webhooks", body: Self.botDone, headers: h.signed("recall", Self.botDone, secret: "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        #expect(forged.status == 401)
        let unsigned = try h.post("/webhooks", body: Self.botDone)
        #expect(unsigned.status == 401)
    }

    @Test func answersRetellInboundCallsWithTheConfiguredBody() throws {
        let sources = """
          - name: retell
            provider: retell
            secret: test-api-key
            response:
              call_inbound:
                override_agent_id: agent_42
        """
        let h = try IngressHarness(sources: sources)
        let body = #"{"event":"call_inbound","call_inbound":{"from_number":"+15550001","to_number":"+15550002"}}"#
        let r = try h.post("/webhooks/retell", body: body, headers: h.signed("retell", body, secret: "test-api-key"))
        #expect(r.status == 200)
        #expect(IngressHarness.text(r) == #"{"call_inbound":{"override_agent_id":"agent_42"}}"#)
        #expect(try h.storedEvents().first?.type == "call.inbound")
    }
}
