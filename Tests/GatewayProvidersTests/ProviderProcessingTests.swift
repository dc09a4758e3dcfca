// ProviderDefinition.process and the registry: adding a provider is adding a file, unknown events
// are forwarded, malformed JSON is a NormalizationError, event ids are deterministic, envelopes
// carry the raw body verbatim, strict file decoding, and a µs/op figure for the W1 body.

import Foundation
import Glibc
import Testing
import GatewayCore
import GatewayCrypto
@testable import GatewayProviders

@Suite struct ProviderProcessingTests {
    /// Pinned ids (computed outside Swift: "evt_" + lowercase base32 of SHA-256(source \n key),
    /// first 26 characters): the format is public and must never change.
    @Test func eventIDsMatchTheirDefinition() {
        #expect(EventID.make(source: "gh", dedupeKey: "d-1") == "evt_rc7evaomdbpoqkxrdqex2j7fwg")
        #expect(EventID.make(source: "recall", dedupeKey: "msg_2abc") == "evt_y2scorc5mfeptjqddbev57wvpz")
        #expect(EventID.make(source: "", dedupeKey: "") == "evt_ag5eogoibnx6senqsgt4aujewz")
    }

    static let w1 = #"{"event":"bot.done","data":{"data":{"code":"done","sub_code":null,"updated_at":"2024-11-15T21:12:01.000000Z"},"bot":{"id":"3be05ff8-87cd-4c40-8b54-ee2636abb4f3","metadata":{}}}}"#
    static let w1Headers = HeaderFields([("webhook-id", "msg_loFOjxBNrRLzqYUf"), ("webhook-timestamp", "1731705121"),
                                         ("webhook-signature", "v1,Ybu910lszbG9TmJDIfm9Kp/aapMJbaEdD22MPoNobyw=")])

    func webhook(_ body: String, _ headers: HeaderFields = w1Headers, at seconds: Int64 = 1731705121) -> InboundWebhook {
        InboundWebhook(path: "/webhooks/recall", headers: headers, body: Array(body.utf8), receivedAt: Timestamp(seconds: seconds))
    }

    func recall() throws -> ProviderDefinition { try #require(try Repo.registry()["recall"]) }

    /// A temporary providers directory holding `files` (name → text).
    func directory(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("providers-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    static let github = """
        id: github
        name: GitHub
        verify:
          scheme: hmac
          signature: {header: X-Hub-Signature-256, format: "sha256={signature}", encoding: hex}
          message_id: {header: X-GitHub-Delivery}
          content: "{body}"
        dedupe: "{delivery_id}"
        mapping:
          event: {header: x-github-event}
          session_kind: transcript
          fields:
            session.id: repository.full_name
            provider_event_id: {header: x-github-delivery}
            status.code: action
            extensions.sender: sender.login
          events:
            ping: provider.test
        fixtures:
          - name: ping
            secret: gh-secret
            sign: {message_id: 72d3162e-cc78-11e3-81ab-4c9367dc0958}
            now: 1700000000
            headers: {X-GitHub-Event: ping}
            body: {zen: Keep it logically awesome., repository: {full_name: octo/hello}, sender: {login: octocat}}
            expect:
              event: {type: provider.test, provider: github, session: {id: octo/hello}}
              dedupe_key: 72d3162e-cc78-11e3-81ab-4c9367dc0958
        """

    @Test func aFifthProviderIsAddedWithOnlyAFile() throws {
        let dir = try directory(["github.yaml": Self.github])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ConfigDiagnostics()
        let registry = ProviderRegistry.load(directory: dir, diagnostics: d)
        #expect(d.errors.isEmpty, "\(d.errors)")
        let gh = try #require(registry["github"])

        // A request signed the way GitHub signs: sha256=<hex HMAC(secret, body)>.
        let body = Array(#"{"action":"opened","repository":{"full_name":"octo/hello"},"sender":{"login":"octocat"}}"#.utf8)
        let mac = HMACKey(algorithm: .sha256, key: Array("gh-secret".utf8)).authenticate(body)
        let headers = HeaderFields([("X-Hub-Signature-256", "sha256=" + Hex.encode(mac)), ("X-GitHub-Event", "issues"),
                                    ("X-GitHub-Delivery", "d-1")])
        let wh = InboundWebhook(path: "/webhooks/gh", headers: headers, body: body, receivedAt: Timestamp(seconds: 1_700_000_000))
        try gh.verification.verify(wh, context: VerificationContext(secrets: [Secret("gh-secret")], now: wh.receivedAt))
        #expect(throws: VerificationFailure.self) {
            try gh.verification.verify(wh, context: VerificationContext(secrets: [Secret("other")], now: wh.receivedAt))
        }
        let out = try gh.process(wh, source: "gh", keepRaw: true)
        #expect(out.event.type == .unknown)
        #expect(out.event.providerEvent == "issues")
        #expect(out.event.session?.id == "octo/hello")
        #expect(out.event.status?.code == "opened")
        #expect(out.dedupeKey == "d-1")
        #expect(out.eventID == EventID.make(source: "gh", dedupeKey: "d-1"))
        #expect(registry.detect(headers).map(\.id) == ["github"])
        let results = FixtureRunner.run(gh)
        let allPassed = results.allSatisfy { $0.passed }
        #expect(allPassed, "\(results.map(\.message))")
    }

    @Test func unknownEventsAreForwardedAsProviderUnknown() throws {
        let out = try recall().process(webhook(#"{"event":"bot.learned_to_fly","data":{"bot":{"id":"b9"}}}"#), source: "recall", keepRaw: false)
        #expect(out.event.type == .unknown)
        #expect(out.event.providerEvent == "bot.learned_to_fly")
        #expect(out.partitionKey == "recall:b9")
    }

    @Test func malformedJSONIsANormalizationError() throws {
        let p = try recall()
        #expect(throws: NormalizationError.self) { try p.process(webhook(#"{"event":"#), source: "recall", keepRaw: true) }
        do { _ = try p.process(webhook("\u{FEFF}{}"), source: "recall", keepRaw: true) } catch {
            guard case .notJSON(let e) = error.reason else { Issue.record("wrong reason \(error)"); return }
            #expect(e.offset == 0)
            #expect(error.description.hasPrefix("body is not JSON"))
        }
    }

    @Test func eventIDsAreDeterministicPerSourceAndDedupeKey() throws {
        let p = try recall()
        let a = try p.process(webhook(Self.w1), source: "recall", keepRaw: true)
        let b = try p.process(webhook(Self.w1, at: 1731705999), source: "recall", keepRaw: false)
        let other = try p.process(webhook(Self.w1), source: "recall-eu", keepRaw: true)
        #expect(a.eventID == b.eventID)
        #expect(a.eventID != other.eventID)
        #expect(a.dedupeKey == "msg_loFOjxBNrRLzqYUf")
        #expect(a.eventID.hasPrefix("evt_") && a.eventID.count == 30)
        // evt_ + first 26 chars of base32(sha256("recall\nmsg_loFOjxBNrRLzqYUf")).
        let expected = "evt_" + Base32.encode(sha256(Array("recall\nmsg_loFOjxBNrRLzqYUf".utf8))).prefix(26)
        #expect(a.eventID == expected)
    }

    @Test func missingDedupeFieldsFallBackToTheBodyHash() throws {
        let retell = try #require(try Repo.registry()["retell"])
        let one = try retell.process(webhook(#"{"event":"call_ended"}"#, HeaderFields()), source: "retell", keepRaw: false)
        let two = try retell.process(webhook(#"{"event":"call_ended","x":1}"#, HeaderFields()), source: "retell", keepRaw: false)
        #expect(one.dedupeKey.hasPrefix(":call_ended#"))
        #expect(one.dedupeKey != two.dedupeKey)
    }

    @Test func theEnvelopeIsCloudEventsWithTheRawBodySplicedVerbatim() throws {
        let body = #"{"event":"bot.call_ended", "data":{"data":{"code":"call_ended","sub_code":"call_ended_by_host","updated_at":"2026-02-09T08:58:13.406739+00:00"},"bot":{"id":"b1","metadata":{"customer":"José"}}}}"#
        let out = try recall().process(webhook(body, at: 1770627600), source: "recall", keepRaw: true)
        let text = String(decoding: out.envelope, as: UTF8.self)
        #expect(text.hasPrefix(#"{"specversion":"1.0","id":"\#(out.eventID)","source":"/sources/recall","type":"session.ended","subject":"b1","time":"2026-02-09T08:58:13.406739Z","datacontenttype":"application/json","dataschema":"urn:webhook-gateway:meeting-event:v1","partitionkey":"recall:b1","provider":"recall","providerevent":"bot.call_ended","recordedtime":"2026-02-09T09:00:00Z","data":{"#))
        #expect(text.hasSuffix(#","raw":\#(body)}}"#))
        let parsed = try JSON.parse(out.envelope)
        #expect(parsed["data"]?["metadata"]?["customer"] == .string("José"))
        let noRaw = try recall().process(webhook(body), source: "recall", keepRaw: false)
        #expect(try JSON.parse(noRaw.envelope)["data"]?["raw"] == nil)
    }

    @Test func eventsWithoutATimeUseTheReceiptTimeInTheEnvelope() throws {
        let out = try recall().process(webhook(#"{"event":"calendar.update","data":{"calendar_id":"c1"}}"#, at: 1770627600), source: "recall", keepRaw: false)
        let env = try JSON.parse(out.envelope)
        #expect(env["time"] == .string("2026-02-09T09:00:00Z"))
        #expect(env["data"]?["occurred_at"] == .null)
        #expect(out.partitionKey == "recall:c1")
    }

    @Test func lateLifecycleEventsAreMarkedStale() throws {
        let p = try recall()
        let tracker = SessionStateTracker(capacity: 10)
        func send(_ event: String, _ code: String) throws -> ProcessedWebhook {
            try p.process(webhook(#"{"event":"\#(event)","data":{"data":{"code":"\#(code)"},"bot":{"id":"b1"}}}"#), source: "recall",
                          keepRaw: false, sessions: tracker)
        }
        #expect(try send("bot.in_call_recording", "in_call_recording").event.stale == nil)
        #expect(try send("bot.done", "done").event.stale == nil)
        let late = try send("bot.in_call_recording", "in_call_recording")
        #expect(late.event.stale == true)
        #expect(try JSON.parse(late.envelope)["data"]?["stale"] == .bool(true))
        #expect(tracker.state(provider: "recall", session: "b1")?.rawValue == "session.completed")
    }

    @Test func retellCallInboundCarriesTheCannedResponse() throws {
        let retell = try #require(try Repo.registry()["retell"])
        let out = try retell.process(webhook(#"{"event":"call_inbound","call_inbound":{"from_number":"+1","to_number":"+2"}}"#, HeaderFields()),
                                     source: "retell", keepRaw: false)
        #expect(out.event.type.rawValue == "call.inbound")
        #expect(out.responseBody == Array("{}".utf8))
        #expect(try retell.process(webhook(#"{"event":"call_ended"}"#, HeaderFields()), source: "retell", keepRaw: false).responseBody == nil)
    }

    @Test func autoDetectionFindsProvidersByTheirHeaders() throws {
        let r = try Repo.registry()
        #expect(Set(r.detect(HeaderFields([("x-retell-signature", "v=1,d=2")])).map(\.id)) == ["retell"])
        #expect(Set(r.detect(HeaderFields([("X-Meeting-Baas-Api-Key", "k")])).map(\.id)) == ["meetingbaas"])
        #expect(Set(r.detect(HeaderFields([("X-MB-Secret", "k")])).map(\.id)) == ["meetingbaas-v2-callback"])
        #expect(Set(r.detect(Self.w1Headers).map(\.id)) == ["recall", "meetingbaas-v2"])
        #expect(r.detect(HeaderFields([("content-type", "application/json")])).isEmpty)
    }

    @Test func strictDecodingReportsEveryMistakeWithItsLocation() throws {
        let broken = """
            id: broken
            verify: {scheme: token, header: x-key}
            dedupe: "{delivery_id"
            mapping:
              events: {a: session.done}
            fixturs: []
            """
        let dir = try directory(["broken.yaml": broken, "github.yaml": Self.github, "dup.yaml": Self.github])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ConfigDiagnostics()
        let r = ProviderRegistry.load(directory: dir, diagnostics: d)
        let text = d.errors.map(\.description)
        #expect(text.contains { $0.hasSuffix("broken.yaml:3:9: provider 'broken': unclosed '{' in dedupe key '{delivery_id'") }, "\(text)")
        #expect(text.contains { $0.contains("broken.yaml:5:14") && $0.contains("did you mean 'session.ended'") || $0.contains("did you mean") && $0.contains("session.done") }, "\(text)")
        #expect(text.contains { $0.contains("broken.yaml:6:1: unknown key 'fixturs' in provider file (did you mean 'fixtures'?)") }, "\(text)")
        #expect(text.contains { $0.contains("provider id 'github' is already defined") }, "\(text)")
        #expect(r.ids == ["github"])
    }

    @Test func namedSwiftNormalizersAreUsedWhenAFileAsksForThem() throws {
        struct Fixed: Normalizer {
            func normalize(_ document: JSONDocument, webhook: InboundWebhook, source: String) throws(NormalizationError) -> MeetingEvent {
                guard let name = document.value["kind"]?.stringValue else { throw NormalizationError(.rejected("no kind")) }
                return MeetingEvent(type: .test, provider: "ignored", source: source, providerEvent: name, receivedAt: webhook.receivedAt)
            }
        }
        var normalizers = NormalizerRegistry.builtIn
        normalizers.register(name: "fixed", Fixed())
        let file = "id: custom\nverify: none\ndedupe: \"{body_sha256}\"\nnormalizer: fixed\n"
        let dir = try directory(["custom.yaml": file, "typo.yaml": file.replacingOccurrences(of: "id: custom", with: "id: typo")
            .replacingOccurrences(of: "fixed", with: "fixd")])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let d = ConfigDiagnostics()
        let r = ProviderRegistry.load(directory: dir, normalizers: normalizers, diagnostics: d)
        #expect(d.errors.map(\.description).contains { $0.contains("no Swift normalizer named 'fixd'") && $0.contains("did you mean 'fixed'") })
        #expect(d.warnings.count == 2)  // verify: none is loud
        let p = try #require(r["custom"])
        let out = try p.process(webhook(#"{"kind":"ping"}"#, HeaderFields()), source: "c", keepRaw: false)
        #expect(out.event.provider == "custom")
        #expect(out.event.providerEvent == "ping")
        #expect(throws: NormalizationError.self) { try p.process(webhook("{}", HeaderFields()), source: "c", keepRaw: false) }
    }

    @Test func samplesComeFromAcceptedFixturesForEveryDocumentedEvent() throws {
        let r = try Repo.registry()
        let recall = try #require(r["recall"])
        #expect(recall.sampleEvents.contains("bot.done"))
        #expect(recall.sampleEvents.contains("participant_events.chat_message"))
        let sample = try #require(recall.sample(forEvent: "transcript.data"))
        #expect(try JSON.parse(sample.body)["event"] == .string("transcript.data"))
        #expect(recall.sample(forEvent: "no.such.event") == nil)
        let retell = try #require(r["retell"])
        for e in ["call_started", "call_ended", "call_analyzed", "transcript_updated", "transfer_started", "call_inbound", "chat_analyzed"] {
            #expect(retell.sample(forEvent: e) != nil, "\(e)")
        }
    }

    /// The benchmark's W1 request (../shared/bench/gen_pool.py): a Svix-signed Recall status webhook.
    static let benchW1 = #"{"event":"bot.in_call_recording","data":{"data":{"code":"in_call_recording","sub_code":null,"updated_at":"2026-11-26T13:01:12.000000+00:00"},"bot":{"id":"d3fcc92a-aded-4977-b287-2808ba51bdd9","metadata":{"customer":"acme"}}}}"#

    @Test func measuresProcessOfTheW1Body() throws {
        let p = try recall()
        let secret = Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let now = Timestamp(seconds: 1_795_698_072)
        let body = Array(Self.benchW1.utf8)
        let headers = p.verification.sign(body: body, secret: secret, timestamp: now, messageID: "msg_ogerd4nusdbx0000000000")
        let wh = InboundWebhook(path: "/webhooks/recall", headers: headers, body: body, receivedAt: now)
        let ctx = VerificationContext(secrets: [secret], now: now)
        let verified = try p.verification.verify(wh, context: ctx)
        #expect(try p.process(wh, source: "recall", keepRaw: true, verified: verified).dedupeKey
            == p.process(wh, source: "recall", keepRaw: true).dedupeKey)
        // Debug builds (the CI suite) only prove the loop runs; the figure worth reading comes from
        // `swift test -c release -Xswiftc -enable-testing --filter measures`.
        #if DEBUG
        let n = 500
        #else
        let n = 20_000
        #endif
        var bytes = 0
        let start = threadCPUTime()
        for _ in 0..<n { bytes &+= try p.process(wh, source: "recall", keepRaw: true).envelope.count }
        let per = (threadCPUTime() - start) / n
        let vstart = threadCPUTime()
        for _ in 0..<n { try p.verification.verify(wh, context: ctx) }
        let vper = (threadCPUTime() - vstart) / n
        print("process() W1 (\(body.count) B body → \(bytes / n) B envelope): \(per) CPU per op; verify(): \(vper) CPU per op")
        #expect(bytes > 0)
    }
}

/// CPU time of the calling thread: on a shared 2-core machine wall time mostly measures the
/// neighbours, while this counts only the loop's own work.
private func threadCPUTime() -> Duration {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
}
