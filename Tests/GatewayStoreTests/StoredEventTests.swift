// StoredEvent's binary encoding: every field survives a round trip; a body the envelope carries is
// stored once; version 1 records still decode; damaged input is refused.

import GatewayCore
import Testing
@testable import GatewayStore

@Suite struct StoredEventTests {
    static func full() -> StoredEvent {
        StoredEvent(
            id: "evt_01HXYZ", source: "recall-eu", provider: "recall", type: "session.completed", providerEvent: "bot.done",
            dedupeKey: "msg_loFOjxBNrRLzqYUf", sessionID: "3be05ff8", partitionKey: "recall:3be05ff8",
            occurredAt: Timestamp(seconds: 1_731_705_121), receivedAt: Timestamp(nanoseconds: 1_795_000_000_123_456_789),
            envelope: bytes(#"{"specversion":"1.0","id":"evt_01HXYZ","data":{"ü":"✓"}}"#),
            requestHeaders: HeaderFields([("Webhook-Id", "msg_1"), ("Content-Type", "application/json"), ("X-Dup", "a"), ("x-dup", "b")]),
            requestBody: [0, 1, 2, 255, 254] + bytes("{\"event\":\"bot.done\"}"),
            requestID: "req-42", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    }

    @Test func roundTripsEveryField() throws {
        let event = StoredEventTests.full()
        let decoded = try StoredEvent(decoding: event.encoded())
        #expect(decoded == event)
        #expect(decoded.requestHeaders.values("x-dup") == ["a", "b"])
    }

    @Test func decodingWithoutTheRequestKeepsEverythingElse() throws {
        let event = StoredEventTests.full()
        let light = try StoredEvent(decoding: event.encoded(), includingRequest: false)
        var expected = event
        expected.requestHeaders = HeaderFields()
        expected.requestBody = []
        #expect(light == expected)
        #expect(light.requestID == "req-42" && light.traceparent == event.traceparent)
        // Truncation inside the skipped part is still refused.
        let encoded = event.encoded()
        #expect(throws: StoreError.self) { try StoredEvent(decoding: Array(encoded.dropLast(60)), includingRequest: false) }
    }

    @Test func roundTripsAbsentOptionalsAndEmptyBodies() throws {
        let event = StoredEvent(
            id: "e", source: "s", provider: "p", type: "t", providerEvent: "pe", dedupeKey: "",
            receivedAt: Timestamp(nanoseconds: -5), envelope: [])
        let decoded = try StoredEvent(decoding: event.encoded())
        #expect(decoded == event)
        #expect(decoded.sessionID == nil && decoded.occurredAt == nil && decoded.traceparent == nil)
    }

    @Test func rejectsEveryTruncation() {
        let encoded = StoredEventTests.full().encoded()
        for length in 0..<encoded.count {
            #expect(throws: StoreError.self, "prefix of \(length) bytes") { try StoredEvent(decoding: Array(encoded[..<length])) }
        }
    }

    @Test func rejectsTrailingBytesUnknownVersionAndForeignMagic() {
        let encoded = StoredEventTests.full().encoded()
        #expect(throws: StoreError.self) { try StoredEvent(decoding: encoded + [0]) }
        var version = encoded
        version[4] = 3
        #expect(throws: StoreError.invalid("stored event: unsupported encoding version 3")) { try StoredEvent(decoding: version) }
        var magic = encoded
        magic[0] = UInt8(ascii: "X")
        #expect(throws: StoreError.self) { try StoredEvent(decoding: magic) }
    }

    @Test func rejectsInvalidUTF8InAString() {
        var encoded = StoredEventTests.full().encoded()
        // First string (id) starts after magic+version (5 bytes) and its 4-byte length.
        encoded[9] = 0xFF
        #expect(throws: StoreError.self) { try StoredEvent(decoding: encoded) }
    }

    /// As ingest makes it: the envelope ends with the vendor's body as `data.raw`, then `}}`.
    static func withBodyInEnvelope() -> StoredEvent {
        var event = full()
        let body = bytes(#"{"event":"bot.done","data":{"bot":{"id":"3be05ff8"}}}"#)
        event.envelope = bytes(#"{"specversion":"1.0","id":"evt_01HXYZ","data":{"type":"x","raw":"#) + body + bytes("}}")
        event.requestBody = body
        return event
    }

    @Test func aBodyTheEnvelopeCarriesIsStoredOnce() throws {
        let event = StoredEventTests.withBodyInEnvelope()
        var inline = event
        inline.envelope[inline.envelope.count - 3] = UInt8(ascii: "]")  // no longer the body
        let encoded = event.encoded()
        #expect(encoded.count == inline.encoded().count - event.requestBody.count + 4, "a range (8 bytes) instead of a blob")
        #expect(try StoredEvent(decoding: encoded) == event)
        #expect(try StoredEvent(decoding: encoded, includingRequest: false) == event.withoutRequest)
        #expect(try StoredEvent(decoding: inline.encoded()) == inline)
        for length in 0..<encoded.count {
            #expect(throws: StoreError.self, "prefix of \(length) bytes") { try StoredEvent(decoding: Array(encoded[..<length])) }
        }
    }

    /// Version 2 spelled out byte by byte, apart from ByteWriter: the bytes on disk never change
    /// by accident, whichever way the event carries its request.
    @Test func encodesTheVersionTwoLayoutExactly() {
        func u32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).littleEndian) { Array($0) } }
        func i64(_ t: Timestamp) -> [UInt8] { withUnsafeBytes(of: t.nanoseconds.littleEndian) { Array($0) } }
        func string(_ s: String) -> [UInt8] { u32(s.utf8.count) + bytes(s) }
        func optional(_ s: String?) -> [UInt8] { s.map { [1] + string($0) } ?? [0] }
        func expected(_ e: StoredEvent, bodyAt offset: Int?) -> [UInt8] {
            var out = bytes("WGEV") + [2]
            for s in [e.id, e.source, e.provider, e.type, e.providerEvent, e.dedupeKey] { out += string(s) }
            out += optional(e.sessionID) + optional(e.partitionKey)
            out += (e.occurredAt.map { [1] + i64($0) } ?? [0]) + i64(e.receivedAt)
            out += u32(e.envelope.count) + e.envelope + u32(e.requestHeaders.count)
            for f in e.requestHeaders { out += string(f.name) + string(f.value) }
            out += offset.map { [1] + u32($0) + u32(e.requestBody.count) } ?? [0] + u32(e.requestBody.count) + e.requestBody
            return out + optional(e.requestID) + optional(e.traceparent)
        }
        let inEnvelope = StoredEventTests.withBodyInEnvelope()
        let offset = inEnvelope.envelope.count - 2 - inEnvelope.requestBody.count
        let bare = StoredEvent(id: "e", source: "s", provider: "p", type: "t", providerEvent: "pe", dedupeKey: "",
                               receivedAt: Timestamp(nanoseconds: -5), envelope: [])
        for (event, offset) in [(StoredEventTests.full(), nil), (inEnvelope, offset), (bare, nil)] {
            #expect(event.encoded() == expected(event, bodyAt: offset))
            #expect(event.withoutRequest.encoded(requestHeaders: event.requestHeaders, requestBody: event.requestBody)
                    == expected(event, bodyAt: offset))
        }
    }

    @Test func anEventWithoutItsRequestIsItsOwnWithoutRequest() {
        let event = StoredEventTests.full().withoutRequest
        #expect(event.requestHeaders.isEmpty && event.requestBody.isEmpty && event.requestID == "req-42")
        #expect(event.withoutRequest == event)
    }

    @Test func aBodyRangeOutsideTheEnvelopeIsRefused() throws {
        let event = StoredEventTests.withBodyInEnvelope()
        var encoded = event.encoded()
        // The range's offset is the 8 bytes before the last two optionals (requestID, traceparent).
        let tail = 1 + 4 + event.requestID!.utf8.count + 1 + 4 + event.traceparent!.utf8.count
        let offsetAt = encoded.count - tail - 8
        #expect(encoded[offsetAt - 1] == 1, "the form byte of a range")
        encoded[offsetAt + 3] = 0x7F
        #expect(throws: StoreError.self) { try StoredEvent(decoding: encoded) }
    }

    @Test func versionOneRecordsStillDecode() throws {
        let event = StoredEventTests.withBodyInEnvelope()
        // Version 1's layout: version 2 without the form byte, the body always inline.
        let v1 = ByteWriter.bytes { w in
            w.raw(StoredEvent.magic)
            w.u8(1)
            for s in [event.id, event.source, event.provider, event.type, event.providerEvent, event.dedupeKey] { w.string(s) }
            w.optionalString(event.sessionID)
            w.optionalString(event.partitionKey)
            w.optionalTimestamp(event.occurredAt)
            w.timestamp(event.receivedAt)
            w.blob(event.envelope)
            w.u32(UInt32(event.requestHeaders.count))
            for f in event.requestHeaders {
                w.string(f.name)
                w.string(f.value)
            }
            w.blob(event.requestBody)
            w.optionalString(event.requestID)
            w.optionalString(event.traceparent)
        }
        #expect(try StoredEvent(decoding: v1) == event)
        #expect(try StoredEvent(decoding: v1, includingRequest: false) == event.withoutRequest)
    }
}
