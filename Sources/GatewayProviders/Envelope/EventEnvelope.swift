// The CloudEvents 1.0 structured-mode JSON each accepted webhook becomes (docs/EVENT-SCHEMA.md).
// Written once on the ingest path, straight into bytes; the vendor's body is spliced verbatim as
// `data.raw` so consumers see exactly what the vendor sent.

public import GatewayCore

public enum EventEnvelope {
    public static let specVersion = "1.0"

    /// The full envelope. `raw` must be the (already parsed, hence valid) JSON body, or nil to omit it.
    /// `traceparent` is the W3C trace context of the ingest (CloudEvents distributed-tracing extension).
    public static func write(_ event: MeetingEvent, id: String, partitionKey: String?, raw: [UInt8]?,
                             traceparent: String? = nil) -> [UInt8] {
        // A W1 status event's envelope is ~1 050 bytes before the raw body (measured): size once,
        // never regrow, and write it straight into the returned array. A growth was one more
        // allocation past glibc's 1 KiB per-thread cache and a copy of the whole envelope; so was
        // a ByteBuffer copied out to an array afterwards.
        let times = Times(event)
        return JSONWriter.bytes(capacity: 1280 + (raw?.count ?? 0)) { w in
            w.beginObject()
            w.member("specversion", specVersion as String?)
            w.member("id", id as String?)
            w.member("source", "/sources/" + event.source as String?)
            w.member("type", event.type.rawValue as String?)
            if let s = event.session { w.member("subject", s.id as String?) }
            w.key("time"); w.timestamp(times.occurred ?? times.received)
            w.member("datacontenttype", "application/json" as String?)
            w.member("dataschema", MeetingEvent.schemaID as String?)
            if let partitionKey { w.member("partitionkey", partitionKey as String?) }
            w.member("provider", event.provider as String?)
            w.member("providerevent", event.providerEvent as String?)
            w.key("recordedtime"); w.timestamp(times.received)
            if let traceparent { w.member("traceparent", traceparent as String?) }
            w.key("data")
            writeData(event, raw: raw, times: times, to: &w)
            w.endObject()
        }
    }

    /// The `data` object.
    private static func writeData(_ event: MeetingEvent, raw: [UInt8]?, times: Times, to w: inout JSONWriter) {
        w.beginObject()
        w.member("provider", event.provider as String?)
        w.member("source", event.source as String?)
        w.member("type", event.type.rawValue as String?)
        w.member("provider_event", event.providerEvent as String?)
        w.member("provider_event_id", event.providerEventID)
        w.key("session")
        if let s = event.session {
            w.beginObject(); w.member("id", s.id as String?); w.member("kind", s.kind.rawValue as String?); w.endObject()
        } else { w.null() }
        w.key("status")
        if let s = event.status {
            w.beginObject(); w.member("code", s.code); w.member("sub_code", s.subCode); w.member("message", s.message); w.endObject()
        } else { w.null() }
        w.key("occurred_at"); if let t = times.occurred { w.timestamp(t) } else { w.null() }
        w.key("received_at"); w.timestamp(times.received)
        w.key("participants")
        if let ps = event.participants {
            w.beginArray()
            for p in ps {
                w.beginObject(); w.member("id", p.id); w.member("name", p.name); w.member("role", p.role); w.endObject()
            }
            w.endArray()
        } else { w.null() }
        w.key("transcript")
        if let t = event.transcript {
            w.beginObject()
            w.member("text", t.text)
            w.key("segments")
            if let segs = t.segments {
                w.beginArray()
                for s in segs {
                    w.beginObject()
                    w.member("speaker", s.speaker); w.member("start", s.start); w.member("end", s.end); w.member("text", s.text as String?)
                    w.endObject()
                }
                w.endArray()
            } else { w.null() }
            w.member("url", t.url)
            w.member("is_final", t.isFinal)
            w.endObject()
        } else { w.null() }
        w.key("media")
        if let m = event.media {
            w.beginObject()
            w.member("video_url", m.videoURL); w.member("audio_url", m.audioURL); w.member("recording_url", m.recordingURL)
            w.endObject()
        } else { w.null() }
        w.key("summary")
        if let s = event.summary {
            w.beginObject(); w.member("short", s.short); w.member("long", s.long); w.endObject()
        } else { w.null() }
        w.member("analysis", event.analysis)
        w.member("metadata", event.passThroughMetadata)
        if let stale = event.stale { w.member("stale", stale as Bool?) }
        if let ext = event.extensions { w.member("extensions", JSONValue.object(ext) as JSONValue?) }
        if let raw { w.key("raw"); w.appendRaw(raw) }
        w.endObject()
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
