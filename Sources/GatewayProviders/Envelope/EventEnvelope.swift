// The CloudEvents 1.0 structured-mode JSON each accepted webhook becomes (docs/EVENT-SCHEMA.md).
// Written once on the ingest path, straight into bytes; the vendor's body is spliced verbatim as
// `data.raw` so consumers see exactly what the vendor sent.

public import GatewayCore

public enum EventEnvelope {
    /// `write` spells it (and `MeetingEvent.schemaID`) inside literals; EnvelopeBytesTests
    /// compares its envelopes with ones written from these constants.
    public static let specVersion = "1.0"

    /// The full envelope. `raw` must be the (already parsed, hence valid) JSON body, or nil to omit it.
    /// `traceparent` is the W3C trace context of the ingest (CloudEvents distributed-tracing extension).
    /// `id` and `traceparent` are the gateway's own text (`EventID`, `TraceContext`: base32, hex
    /// and dashes), written without an escape scan; every text from the vendor or the
    /// configuration is escaped as needed.
    public static func write(_ event: MeetingEvent, id: String, partitionKey: String?, raw: [UInt8]?,
                             traceparent: String? = nil) -> [UInt8] {
        // A W1 status event's envelope is ~1 050 bytes before the raw body (measured): size once,
        // never regrow, and write it straight into the returned array. A growth was one more
        // allocation past glibc's 1 KiB per-thread cache and a copy of the whole envelope; so was
        // a ByteBuffer copied out to an array afterwards.
        let times = Times(event)
        return JSONWriter.bytes(capacity: 1280 + (raw?.count ?? 0)) { w in
            // One call per member, each key with its punctuation and its value in one reservation,
            // and the members that never change as literals: with a key call and a value call per
            // member a W1 envelope took ~9.7k instructions, ~5.0k like this. Text written twice
            // (provider, source, vendor event name, session id) is scanned for escapes once.
            w.beginObject()
            w.members(#""specversion":"1.0""#)
            w.member("id", plain: id)
            let sourcePlain = w.member("source", prefix: "/sources/", event.source)
            w.member("type", plain: event.type.rawValue)
            var sessionPlain = false
            if let s = event.session { sessionPlain = w.member("subject", s.id) }
            w.member("time", times.occurred ?? times.received)
            w.members(#""datacontenttype":"application/json","dataschema":"urn:webhook-gateway:meeting-event:v1""#)
            if let partitionKey { w.member("partitionkey", partitionKey) }
            let providerPlain = w.member("provider", event.provider)
            let providerEventPlain = w.member("providerevent", event.providerEvent)
            w.member("recordedtime", times.received)
            if let traceparent { w.member("traceparent", plain: traceparent) }
            w.beginObject("data")
            if providerPlain { w.member("provider", plain: event.provider) } else { w.member("provider", event.provider) }
            if sourcePlain { w.member("source", plain: event.source) } else { w.member("source", event.source) }
            w.member("type", plain: event.type.rawValue)
            if providerEventPlain { w.member("provider_event", plain: event.providerEvent) } else { w.member("provider_event", event.providerEvent) }
            w.member("provider_event_id", event.providerEventID)
            if let s = event.session {
                w.beginObject("session")
                if sessionPlain { w.member("id", plain: s.id) } else { w.member("id", s.id) }
                w.member("kind", plain: s.kind.rawValue)
                w.endObject()
            } else { w.nullMember("session") }
            writeData(event, raw: raw, times: times, to: &w)
            w.endObject()
            w.endObject()
        }
    }

    /// The rest of the `data` object, from `status` on.
    private static func writeData(_ event: MeetingEvent, raw: [UInt8]?, times: Times, to w: inout JSONWriter) {
        if let s = event.status {
            w.beginObject("status"); w.member("code", s.code); w.member("sub_code", s.subCode); w.member("message", s.message); w.endObject()
        } else { w.nullMember("status") }
        if let t = times.occurred { w.member("occurred_at", t) } else { w.nullMember("occurred_at") }
        w.member("received_at", times.received)
        if event.participants == nil, event.transcript == nil, event.media == nil, event.summary == nil, event.analysis == nil {
            // A status event has none of them.
            w.members(#""participants":null,"transcript":null,"media":null,"summary":null,"analysis":null"#)
        } else {
            writeContent(event, to: &w)
        }
        w.member("metadata", event.passThroughMetadata)
        if let stale = event.stale { w.member("stale", stale as Bool?) }
        if let ext = event.extensions { w.member("extensions", JSONValue.object(ext) as JSONValue?) }
        if let raw { raw.withUnsafeBufferPointer { w.member("raw", raw: $0) } }
    }

    /// `participants`, `transcript`, `media`, `summary` and `analysis`.
    private static func writeContent(_ event: MeetingEvent, to w: inout JSONWriter) {
        w.key("participants")
        if let ps = event.participants {
            w.beginArray()
            for p in ps {
                w.beginObject(); w.member("id", p.id); w.member("name", p.name); w.member("role", p.role); w.endObject()
            }
            w.endArray()
        } else { w.null() }
        if let t = event.transcript {
            w.beginObject("transcript")
            w.member("text", t.text)
            w.key("segments")
            if let segs = t.segments {
                w.beginArray()
                for s in segs {
                    w.beginObject()
                    w.member("speaker", s.speaker); w.member("start", s.start); w.member("end", s.end); w.member("text", s.text)
                    w.endObject()
                }
                w.endArray()
            } else { w.null() }
            w.member("url", t.url)
            w.member("is_final", t.isFinal)
            w.endObject()
        } else { w.nullMember("transcript") }
        if let m = event.media {
            w.beginObject("media")
            w.member("video_url", m.videoURL); w.member("audio_url", m.audioURL); w.member("recording_url", m.recordingURL)
            w.endObject()
        } else { w.nullMember("media") }
        if let s = event.summary {
            w.beginObject("summary"); w.member("short", s.short); w.member("long", s.long); w.endObject()
        } else { w.nullMember("summary") }
        w.member("analysis", event.analysis)
    }

    /// The event's two instants, each formatted once (as few fraction digits as the value needs)
    /// though the envelope writes each twice.
    private struct Times {
        let occurred: RFC3339Text?
        let received: RFC3339Text

        init(_ event: MeetingEvent) {
            occurred = event.occurredAt.map { RFC3339Text($0, fractionDigits: nil) }
            received = RFC3339Text(event.receivedAt, fractionDigits: nil)
        }
    }
}
