// Binary encoding of StoredEvent, version 2. Layout (integers little-endian, strings UTF-8 with a u32
// byte length, optionals as a u8 0/1 flag then the value, timestamps as i64 ns since the epoch):
//   "WGEV" u8 version(2)
//   id source provider type providerEvent dedupeKey sessionID? partitionKey? occurredAt? receivedAt
//   envelope(u32 length + bytes) u32 headerCount (name value)* requestBody requestID? traceparent?
// where requestBody is u8 0 + u32 length + bytes, or u8 1 + u32 offset + u32 length: a range of the
// envelope. The envelope normally carries the vendor's body verbatim (`data.raw`), so storing it
// twice doubled the journal's bytes for large webhooks (with 64 KiB bodies, page-cache copies were
// 42% of the CPU). Version 1 (the body always inline, no form byte) is still read.
// A new field means a new version number; decoding rejects unknown versions, truncation and
// trailing bytes instead of guessing.

public import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

extension StoredEvent {
    static let magic: [UInt8] = Array("WGEV".utf8)
    static let version: UInt8 = 2

    /// The record of this event, its own raw request included.
    public func encoded() -> [UInt8] {
        fields.encoded(requestHeaders: fields.requestHeaders, requestBody: fields.requestBody)
    }

    /// The record of this event with `requestHeaders` and `requestBody` as its raw request, in
    /// place of its own. The ingress builds its event without the request and passes it here:
    /// the journal's memory tail keeps events without their request, and dropping it from an event
    /// that carries one copies the whole box.
    public func encoded(requestHeaders: HeaderFields, requestBody: [UInt8]) -> [UInt8] {
        fields.encoded(requestHeaders: requestHeaders, requestBody: requestBody)
    }

    /// Where the envelope holds the request body verbatim, if it does. EventEnvelope writes the
    /// raw body as the last member of `data`, so it ends just before the envelope's closing `}}`:
    /// only that place is compared (a memcmp); anywhere else the body is stored inline.
    static func offset(ofBody body: [UInt8], in envelope: [UInt8]) -> Int? {
        let offset = envelope.count - 2 - body.count
        guard !body.isEmpty, offset >= 0 else { return nil }
        let found = envelope.withUnsafeBytes { e in
            body.withUnsafeBytes { b in memcmp(e.baseAddress! + offset, b.baseAddress!, b.count) == 0 }
        }
        return found ? offset : nil
    }

    /// Decodes what `encoded()` produced; throws `.invalid` naming the byte where it went wrong.
    /// With `includingRequest: false` the raw request's headers and body are checked but left
    /// empty: delivery sends the envelope and never needs them, and copying them per event was a
    /// measurable share of a sink's CPU.
    public init(decoding bytes: [UInt8], includingRequest: Bool = true) throws(StoreError) {
        var r = ByteReader(bytes, what: "stored event")
        for m in StoredEvent.magic {
            guard try r.u8() == m else { throw StoreError.invalid("stored event: not a stored event (bad magic)") }
        }
        let version = try r.u8()
        guard version == 1 || version == 2 else {
            throw StoreError.invalid("stored event: unsupported encoding version \(version)")
        }
        let id = try r.string()
        let source = try r.string()
        let provider = try r.string()
        let type = try r.string()
        let providerEvent = try r.string()
        let dedupeKey = try r.string()
        let sessionID = try r.optionalString()
        let partitionKey = try r.optionalString()
        let occurredAt = try r.optionalTimestamp()
        let receivedAt = try r.timestamp()
        let envelope = try r.blob()
        let headerCount = Int(try r.u32())
        // Each header takes at least 8 bytes, so a corrupt count cannot make us reserve gigabytes.
        guard headerCount <= r.remaining / 8 else { throw StoreError.invalid("stored event: header count \(headerCount) exceeds the record") }
        var headers = HeaderFields()
        for _ in 0..<headerCount {
            if includingRequest {
                let name = try r.string()
                let value = try r.string()
                headers.add(name, value, nameIsLowercase: true)
            } else {
                try r.skipField()
                try r.skipField()
            }
        }
        let body: [UInt8]
        switch version == 1 ? 0 : try r.u8() {
        case 0:
            if includingRequest { body = try r.blob() } else { try r.skipField(); body = [] }
        case 1:
            let offset = Int(try r.u32()), length = Int(try r.u32())
            guard offset <= envelope.count, length <= envelope.count - offset else {
                throw StoreError.invalid("stored event: request body range \(offset)+\(length) outside the envelope")
            }
            body = includingRequest ? Array(envelope[offset..<(offset + length)]) : []
        case let form:
            throw StoreError.invalid("stored event: unknown request body form \(form)")
        }
        let requestID = try r.optionalString()
        let traceparent = try r.optionalString()
        try r.expectEnd()
        self.init(id: id, source: source, provider: provider, type: type, providerEvent: providerEvent, dedupeKey: dedupeKey,
                  sessionID: sessionID, partitionKey: partitionKey, occurredAt: occurredAt, receivedAt: receivedAt,
                  envelope: envelope, requestHeaders: headers, requestBody: body, requestID: requestID, traceparent: traceparent)
    }
}

extension StoredEvent.Fields {
    /// Written from the fields in place: through the public getters, each string and array cost a
    /// retain and a release.
    func encoded(requestHeaders: HeaderFields, requestBody: [UInt8]) -> [UInt8] {
        // Looked for once, not in each of ByteWriter's two passes.
        let bodyOffset = StoredEvent.offset(ofBody: requestBody, in: envelope)
        return ByteWriter.bytes { w in
            w.raw(StoredEvent.magic)
            w.u8(StoredEvent.version)
            w.string(id)
            w.string(source)
            w.string(provider)
            w.string(type)
            w.string(providerEvent)
            w.string(dedupeKey)
            w.optionalString(sessionID)
            w.optionalString(partitionKey)
            w.optionalTimestamp(occurredAt)
            w.timestamp(receivedAt)
            w.blob(envelope)
            w.u32(UInt32(requestHeaders.count))
            for f in requestHeaders {
                w.string(f.name)
                w.string(f.value)
            }
            if let bodyOffset {
                w.u8(1)
                w.u32(UInt32(bodyOffset))
                w.u32(UInt32(requestBody.count))
            } else {
                w.u8(0)
                w.blob(requestBody)
            }
            w.optionalString(requestID)
            w.optionalString(traceparent)
        }
    }
}

extension StoredEvent {
    /// This event as `init(decoding:includingRequest: false)` returns it: raw request left out.
    public var withoutRequest: StoredEvent {
        // An event that has none (the ingress's) is returned as it is: clearing its empty fields
        // would still make a new box.
        if fields.requestHeaders.isEmpty && fields.requestBody.isEmpty { return self }
        var e = self
        e.change {
            $0.requestHeaders = HeaderFields()
            $0.requestBody = []
        }
        return e
    }
}
