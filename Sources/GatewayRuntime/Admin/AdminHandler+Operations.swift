// What each admin route does. Responses are JSON; errors are `AdminError`s that render themselves.

import GatewayCore
import GatewayCrypto
import GatewayDelivery
import GatewayHTTP
import GatewayProviders
import GatewayStore

extension AdminHandler {
    func perform(_ route: AdminRoute, _ request: HTTPRequest) throws -> HTTPResponse {
        switch route {
        case .listSinks:
            return json { w in
                w.beginArray()
                for s in delivery.status() { SinkStatusJSON.write(s, to: &w) }
                w.endArray()
            }
        case .pause(let sink):
            try deliveryCall { try delivery.pause(sink) }
            logger.warning("sink paused by the admin API", [("sink", sink)])
            return ok(["sink": sink, "paused": "true"])
        case .resume(let sink):
            try deliveryCall { try delivery.resume(sink) }
            logger.info("sink resumed by the admin API", [("sink", sink)])
            return ok(["sink": sink, "paused": "false"])
        case .retryNow(let sink):
            let count = try deliveryCall { try delivery.retryNow(sink: sink) }
            logger.info("retries made due now by the admin API", [("sink", sink), ("retries", String(count))])
            return ok(["sink": sink, "retries": String(count)])
        case .test(let sink):
            let outcome = try deliveryCall { try delivery.sendTest(sink: sink, event: TestEvent.make()) }
            return json { w in
                w.beginObject()
                w.member("sink", sink)
                w.member("outcome", "\(outcome)")
                w.member("delivered", outcome.isDelivered)
                w.endObject()
            }
        case .deadLetters(let sink):
            let letters = try deliveryCall { try delivery.deadLetters(sink: sink) }
            return json { w in DeadLetterJSON.write(letters, to: &w) }
        case .attempts(let sink):
            let limit = try Self.attemptLimit(request.head)
            let records = try deliveryCall { try delivery.attempts(sink: sink, limit: limit) }
            return json { w in AttemptJSON.write(records, to: &w) }
        case .retryDeadLetters(let sink):
            let ids = try Self.ids(in: request.body)
            let letters = try deliveryCall { try delivery.retryDeadLetters(sink: sink, ids: ids) }
            return json { w in DeadLetterJSON.write(letters, to: &w) }
        case .dropDeadLetters(let sink):
            let ids = try Self.ids(in: request.body)
            let letters = try deliveryCall { try delivery.dropDeadLetters(sink: sink, ids: ids) }
            return json { w in DeadLetterJSON.write(letters, to: &w) }
        case .replay(let sink):
            let filter = try EventQuery(request.head).replayFilter
            let count = try deliveryCall { try delivery.replay(sink: sink, filter: filter) }
            logger.info("replay requested", [("sink", sink), ("events", String(count))])
            return ok(["sink": sink, "requeued": String(count)])
        case .listEvents:
            let query = try EventQuery(request.head)
            let page = try EventBrowser(journal: journal).list(query)
            return json { w in EventBrowser.write(page, to: &w) }
        case .getEvent(let id):
            guard let (entry, event) = try EventBrowser(journal: journal).find(id: id) else {
                throw AdminError.status(404, "no event \(id) in the journal")
            }
            return json { w in
                EventBrowser.write(entry: entry, event: event, deliveries: delivery.deliveries(of: entry.position, event: event), to: &w)
            }
        }
    }

    /// Maps the engine's errors: an unknown sink is the caller's 404, anything else our 500.
    private func deliveryCall<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DeliveryError {
            if case .unknownSink = error { throw AdminError.status(404, "\(error)") }
            throw AdminError.status(500, "\(error)")
        }
    }

    private func json(_ write: (inout JSONWriter) -> Void) -> HTTPResponse {
        var w = JSONWriter()
        write(&w)
        return .json(200, w.bytes)
    }

    private func ok(_ fields: [String: String]) -> HTTPResponse {
        json { w in
            w.beginObject()
            for (k, v) in fields.sorted(by: { $0.key < $1.key }) { w.member(escaping: k, v) }
            w.endObject()
        }
    }

    /// `?limit=N` of the attempts list: 1 to 1000, default 100.
    static func attemptLimit(_ head: HTTPRequestHead) throws -> Int {
        var limit = 100
        for (key, value) in head.query {
            guard key == "limit" else { throw AdminError.status(400, "unknown query parameter '\(key)' (limit)") }
            limit = try EventQuery.limit(value)
        }
        return limit
    }

    /// `{"ids": [1, 2]}` selects dead letters by sequence; an empty body selects all.
    static func ids(in body: [UInt8]) throws -> Set<UInt64>? {
        guard !body.isEmpty else { return nil }
        guard let value = try? JSON.parse(body), let list = value["ids"]?.arrayValue else {
            throw AdminError.status(400, #"expected a JSON body {"ids": [sequence, ...]} or no body"#)
        }
        var ids = Set<UInt64>()
        for item in list {
            guard let n = item.int64Value, n >= 0 else { throw AdminError.status(400, "ids must be non-negative integers") }
            ids.insert(UInt64(n))
        }
        return ids
    }
}

extension DeliveryOutcome {
    var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }
}

/// The `provider.test` event the "send a test webhook" button delivers.
enum TestEvent {
    static func make(now: Timestamp = .now()) -> StoredEvent {
        var event = MeetingEvent(type: .test, provider: "webhook-gateway", source: "admin", providerEvent: "test", receivedAt: now)
        event.occurredAt = now
        let id = "evt_test_" + Base32.encode(secureRandomBytes(10))
        return StoredEvent(
            id: id, source: "admin", provider: "webhook-gateway", type: EventType.test.rawValue, providerEvent: "test",
            dedupeKey: id, receivedAt: now, envelope: EventEnvelope.write(event, id: id, partitionKey: nil, raw: nil),
            requestID: "req_admin_test")
    }
}
