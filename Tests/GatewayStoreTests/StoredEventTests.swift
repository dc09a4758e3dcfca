// StoredEvent's binary encoding: every field survives a round trip; damaged input is refused.

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
        version[4] = 2
        #expect(throws: StoreError.invalid("stored event: unsupported encoding version 2")) { try StoredEvent(decoding: version) }
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
}
