// The envelope is written with fused members, literal runs and scans skipped for the gateway's own
// text; it must stay byte for byte what one key call and one value call per member wrote. The
// reference below is that writer (JSONWriter's primitives only), compared on every fixture of
// every built-in provider and on events that fill every field with text needing escapes.

import Testing
import GatewayCore
@testable import GatewayProviders

@Suite struct EnvelopeBytesTests {
    /// The envelope as written before the fused members: key, then value, for every member.
    static func reference(_ event: MeetingEvent, id: String, partitionKey: String?, raw: [UInt8]?, traceparent: String? = nil) -> [UInt8] {
        func string(_ w: inout JSONWriter, _ k: StaticString, _ v: String?) {
            w.key(k)
            if let v { w.string(v) } else { w.null() }
        }
        var w = JSONWriter(capacity: 64)
        w.beginObject()
        string(&w, "specversion", EventEnvelope.specVersion)
        string(&w, "id", id)
        string(&w, "source", "/sources/" + event.source)
        string(&w, "type", event.type.rawValue)
        if let s = event.session { string(&w, "subject", s.id) }
        w.key("time"); w.timestamp(event.occurredAt ?? event.receivedAt, fractionDigits: nil)
        string(&w, "datacontenttype", "application/json")
        string(&w, "dataschema", MeetingEvent.schemaID)
        if let partitionKey { string(&w, "partitionkey", partitionKey) }
        string(&w, "provider", event.provider)
        string(&w, "providerevent", event.providerEvent)
        w.key("recordedtime"); w.timestamp(event.receivedAt, fractionDigits: nil)
        if let traceparent { string(&w, "traceparent", traceparent) }
        w.key("data")
        w.beginObject()
        string(&w, "provider", event.provider)
        string(&w, "source", event.source)
        string(&w, "type", event.type.rawValue)
        string(&w, "provider_event", event.providerEvent)
        string(&w, "provider_event_id", event.providerEventID)
        w.key("session")
        if let s = event.session {
            w.beginObject(); string(&w, "id", s.id); string(&w, "kind", s.kind.rawValue); w.endObject()
        } else { w.null() }
        w.key("status")
        if let s = event.status {
            w.beginObject(); string(&w, "code", s.code); string(&w, "sub_code", s.subCode); string(&w, "message", s.message); w.endObject()
        } else { w.null() }
        w.key("occurred_at"); if let t = event.occurredAt { w.timestamp(t, fractionDigits: nil) } else { w.null() }
        w.key("received_at"); w.timestamp(event.receivedAt, fractionDigits: nil)
        w.key("participants")
        if let ps = event.participants {
            w.beginArray()
            for p in ps {
                w.beginObject(); string(&w, "id", p.id); string(&w, "name", p.name); string(&w, "role", p.role); w.endObject()
            }
            w.endArray()
        } else { w.null() }
        w.key("transcript")
        if let t = event.transcript {
            w.beginObject()
            string(&w, "text", t.text)
            w.key("segments")
            if let segs = t.segments {
                w.beginArray()
                for s in segs {
                    w.beginObject()
                    string(&w, "speaker", s.speaker)
                    w.key("start"); if let v = s.start { w.double(v) } else { w.null() }
                    w.key("end"); if let v = s.end { w.double(v) } else { w.null() }
                    string(&w, "text", s.text)
                    w.endObject()
                }
                w.endArray()
            } else { w.null() }
            string(&w, "url", t.url)
            w.key("is_final"); if let v = t.isFinal { w.bool(v) } else { w.null() }
            w.endObject()
        } else { w.null() }
        w.key("media")
        if let m = event.media {
            w.beginObject()
            string(&w, "video_url", m.videoURL); string(&w, "audio_url", m.audioURL); string(&w, "recording_url", m.recordingURL)
            w.endObject()
        } else { w.null() }
        w.key("summary")
        if let s = event.summary {
            w.beginObject(); string(&w, "short", s.short); string(&w, "long", s.long); w.endObject()
        } else { w.null() }
        w.key("analysis"); if let a = event.analysis { w.value(a) } else { w.null() }
        w.key("metadata"); if let m = event.metadata { w.value(m) } else { w.null() }
        if let stale = event.stale { w.key("stale"); w.bool(stale) }
        if let ext = event.extensions { w.key("extensions"); w.value(.object(ext)) }
        if let raw { w.key("raw"); w.appendRaw(raw) }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    static func expectSame(_ event: MeetingEvent, id: String = "evt_muqznovmn3kg6ncev4mhzfzzbz", partitionKey: String?,
                           raw: [UInt8]?, traceparent: String? = nil, _ comment: Comment? = nil,
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let written = EventEnvelope.write(event, id: id, partitionKey: partitionKey, raw: raw, traceparent: traceparent)
        let expected = reference(event, id: id, partitionKey: partitionKey, raw: raw, traceparent: traceparent)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self), comment, sourceLocation: sourceLocation)
    }

    @Test func everyFixtureWritesTheReferenceBytes() throws {
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        var compared = 0
        for (fixture, webhook, processed) in try Repo.processedFixtures(traceparent: traceparent) {
            let expected = Self.reference(processed.event, id: processed.eventID, partitionKey: processed.partitionKey, raw: webhook.body,
                                          traceparent: traceparent)
            #expect(processed.envelope == expected, "\(fixture.location) \(fixture.name)")
            Self.expectSame(processed.event, id: processed.eventID, partitionKey: processed.partitionKey, raw: nil,
                            "\(fixture.location) \(fixture.name), no raw body")
            compared += 1
        }
        #expect(compared > 100)
    }

    /// A W1 status event, the shape the ingest path writes most.
    static func statusEvent() -> MeetingEvent {
        var e = MeetingEvent(type: EventType(rawValue: "session.joining")!, provider: "recall", source: "recall",
                             providerEvent: "bot.joining_call", receivedAt: Timestamp(nanoseconds: 1_795_770_456_029_712_901))
        e.providerEventID = "msg_2kJ3h4g5F6d7S8a9"
        e.session = .init(id: "dfad7abd-0060-42a4-96e8-e1f134c072c7", kind: .bot)
        e.status = .init(code: "joining_call")
        e.occurredAt = Timestamp(nanoseconds: 1_795_770_452_000_000_000)
        e.metadata = .object(JSONObject([("customer", .string("acme"))]))
        return e
    }

    @Test func aStatusEventWritesTheDocumentedEnvelope() {
        let raw = Array(#"{"event":"bot.joining_call","data":{}}"#.utf8)
        let text = String(decoding: EventEnvelope.write(Self.statusEvent(), id: "evt_muqznovmn3kg6ncev4mhzfzzbz",
                                                         partitionKey: "recall:dfad7abd-0060-42a4-96e8-e1f134c072c7", raw: raw,
                                                         traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), as: UTF8.self)
        #expect(text == #"{"specversion":"1.0","id":"evt_muqznovmn3kg6ncev4mhzfzzbz","source":"/sources/recall","type":"session.joining","subject":"dfad7abd-0060-42a4-96e8-e1f134c072c7","time":"2026-11-27T09:07:32Z","datacontenttype":"application/json","dataschema":"urn:webhook-gateway:meeting-event:v1","partitionkey":"recall:dfad7abd-0060-42a4-96e8-e1f134c072c7","provider":"recall","providerevent":"bot.joining_call","recordedtime":"2026-11-27T09:07:36.029712901Z","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01","data":{"provider":"recall","source":"recall","type":"session.joining","provider_event":"bot.joining_call","provider_event_id":"msg_2kJ3h4g5F6d7S8a9","session":{"id":"dfad7abd-0060-42a4-96e8-e1f134c072c7","kind":"bot"},"status":{"code":"joining_call","sub_code":null,"message":null},"occurred_at":"2026-11-27T09:07:32Z","received_at":"2026-11-27T09:07:36.029712901Z","participants":null,"transcript":null,"media":null,"summary":null,"analysis":null,"metadata":{"customer":"acme"},"raw":{"event":"bot.joining_call","data":{}}}}"#)
        Self.expectSame(Self.statusEvent(), partitionKey: "recall:x", raw: raw)
    }

    /// Every text the vendor or the configuration supplies is escaped, including the ones written
    /// twice (the second write reuses the first one's verdict), at every length around a word.
    @Test func vendorAndConfigurationTextIsEscapedEverywhere() {
        let specials = ["", "plain", "q\"uote", "back\\slash", "new\nline", "\u{1}", "tab\there", "José 😀", "\u{1F}\"\\"]
        var texts = specials
        for length in 0..<20 {
            texts.append(String(repeating: "a", count: length))
            if length > 0 {
                texts.append(String(repeating: "b", count: length - 1) + "\"")
                texts.append("\\" + String(repeating: "c", count: length - 1))
                texts.append(String(repeating: "d", count: length / 2) + "\n" + String(repeating: "e", count: length - length / 2 - 1))
            }
        }
        for (i, text) in texts.enumerated() {
            let other = texts[(i * 7 + 3) % texts.count]
            var e = Self.statusEvent()
            e.provider = text
            e.source = other
            e.providerEvent = text + other
            e.providerEventID = other
            e.session = .init(id: text, kind: .call)
            e.status = .init(code: other, subCode: text, message: "m" + text)
            e.metadata = .object(JSONObject([(text, .string(other))]))
            Self.expectSame(e, partitionKey: text + ":" + other, raw: nil, "\(Array(text.utf8)) / \(Array(other.utf8))")
            e.session = nil
            e.status = nil
            e.occurredAt = nil
            Self.expectSame(e, partitionKey: nil, raw: Array("[]".utf8), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                            "\(Array(text.utf8)), no session")
        }
    }

    @Test func everyOptionalPartWritesTheReferenceBytes() {
        let full: MeetingEvent = {
            var e = Self.statusEvent()
            e.participants = [.init(id: "p\"1", name: "Ana\n", role: nil), .init()]
            e.transcript = .init(text: "hello \\ world", segments: [.init(speaker: "s", start: 0.5, end: 2, text: "hi\u{2}"), .init(text: "")],
                                 url: "https://x/\"y", isFinal: true)
            e.media = .init(videoURL: "v", audioURL: nil, recordingURL: "r\t")
            e.summary = .init(short: "s", long: nil)
            e.analysis = .object(JSONObject([("score", .number("0.9")), ("tags", .array([.string("a\"b"), .null]))]))
            e.stale = true
            e.extensions = JSONObject([("x-\"k", .bool(false))])
            return e
        }()
        Self.expectSame(full, partitionKey: "recall:x", raw: Array("{}".utf8))
        // Each part alone, the others nil: the run of nulls is written literally only when all are.
        for part in 0..<5 {
            var e = Self.statusEvent()
            switch part {
            case 0: e.participants = full.participants
            case 1: e.transcript = full.transcript
            case 2: e.media = full.media
            case 3: e.summary = full.summary
            default: e.analysis = full.analysis
            }
            Self.expectSame(e, partitionKey: nil, raw: nil, "part \(part)")
        }
        var empty = Self.statusEvent()
        empty.participants = []
        empty.transcript = .init()
        empty.metadata = nil
        empty.providerEventID = nil
        empty.stale = false
        Self.expectSame(empty, partitionKey: nil, raw: nil)
    }

    @Test func everyEventTypeAndSessionKindIsWrittenUnescaped() {
        for type in EventType.vocabulary {
            for kind in MeetingEvent.SessionKind.allCases {
                var e = Self.statusEvent()
                e.type = EventType(rawValue: type)!
                e.session = .init(id: "s", kind: kind)
                Self.expectSame(e, partitionKey: "recall:s", raw: nil, "\(type) \(kind)")
            }
        }
    }
}
