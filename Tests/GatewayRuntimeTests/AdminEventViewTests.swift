// The admin API's event view (GET /admin/events/<id>) over a delivery engine whose sink fails on
// purpose: an event that keeps retrying holds the cursor back, so what the view says about records
// ahead of it must come from the sink's state, not from the cursor. The attempts the sink's
// history recorded show in the event view and in the sink's attempts list.

import Dispatch
import Foundation
@testable import GatewayRuntime
import GatewayCore
import GatewayDelivery
import GatewayHTTP
import GatewayProviders
import GatewayStore
import Synchronization
import Testing

/// Keeps retrying `stuck` (so the cursor stays before it) and rejects `rejected` outright.
struct FailingSink: Sink {
    let name = "ops"
    let stuck: String
    let rejected: String

    func deliver(_ event: StoredEvent) -> DeliveryOutcome {
        switch event.id {
        case stuck: .retry(reason: "HTTP 503", after: nil)
        case rejected: .permanent(reason: "HTTP 400")
        default: .delivered(status: 200)
        }
    }
}

@Suite struct AdminEventViewTests {
    /// A journal, an engine running `sink` as "ops" with `filter`, and the admin API over them.
    final class Setup {
        let directory = NSTemporaryDirectory() + "admin-view-\(UUID().uuidString)"
        let journal: Journal
        let engine: DeliveryEngine
        let admin: AdminHandler

        init(_ sink: FailingSink, filter: EventFilter = .all) throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            journal = try Journal(directory: directory, options: JournalOptions(fsync: .never), logger: .silent)
            engine = try DeliveryEngine(
                journal: journal, storageDirectory: directory,
                sinks: [ConfiguredSink(sink: sink, filter: filter, retry: RetryPolicy(backoff: .schedule([60]), jitter: 0), ordering: .none)],
                logger: .silent, options: .init(flushInterval: 0.01))
            engine.start()
            admin = AdminHandler(token: Secret("unused"), delivery: engine, journal: journal, registry: MetricsRegistry(),
                                 health: HealthState(), logger: .silent)
        }

        deinit {
            engine.stop()
            journal.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func recordsAheadOfTheCursorShowWhatHappenedToThem() throws {
        let stuck = TestEvent.make(), rejected = TestEvent.make(), delivered = TestEvent.make()
        let t = try Setup(FailingSink(stuck: stuck.id, rejected: rejected.id))
        let (engine, admin) = (t.engine, t.admin)

        Self.append(stuck, to: t.journal)
        let rejectedAt = Self.append(rejected, to: t.journal)
        let deliveredAt = Self.append(delivered, to: t.journal)
        #expect(Self.eventually { (try? Self.state(of: rejected.id, in: admin)) == "dead_letter" })
        let letter = try #require(try engine.deadLetters(sink: "ops").first)
        let drop = try admin.perform(.dropDeadLetters("ops"), Self.request("POST", "/admin/sinks/ops/dead-letters/drop",
                                                                           body: #"{"ids":[\#(letter.sequence)]}"#))
        #expect(drop.status == 200)
        #expect(try engine.deadLetters(sink: "ops").isEmpty)

        // Still ahead of the cursor, which waits for the retrying event before them.
        let cursor = try #require(engine.status()[0].cursor)
        #expect(cursor <= rejectedAt && cursor <= deliveredAt)
        #expect(try Self.state(of: rejected.id, in: admin) == "done")
        #expect(Self.eventually { (try? Self.state(of: delivered.id, in: admin)) == "done" })
        #expect(try Self.state(of: stuck.id, in: admin) == "pending")
    }

    @Test func anEventTheSinksFilterExcludesIsShownFiltered() throws {
        let excluded = TestEvent.make()  // provider.test
        let t = try Setup(FailingSink(stuck: "", rejected: ""), filter: EventFilter(types: ["session.*"]))
        Self.append(excluded, to: t.journal)
        #expect(try Self.state(of: excluded.id, in: t.admin) == "filtered")
        // Also once the cursor has passed it.
        #expect(Self.eventually { t.engine.status()[0].cursor == t.journal.end })
        #expect(try Self.state(of: excluded.id, in: t.admin) == "filtered")
    }

    @Test func theEventViewShowsTheAttemptsOfAFailingEventPerSink() throws {
        let stuck = TestEvent.make(), rejected = TestEvent.make(), delivered = TestEvent.make()
        let t = try Setup(FailingSink(stuck: stuck.id, rejected: rejected.id))
        Self.append(stuck, to: t.journal)
        Self.append(rejected, to: t.journal)
        Self.append(delivered, to: t.journal)
        #expect(Self.eventually { (try? Self.state(of: rejected.id, in: t.admin)) == "dead_letter" })
        #expect(Self.eventually { (try? Self.attempts(of: stuck.id, in: t.admin))?.count == 1 })
        #expect(Self.eventually { (try? Self.state(of: delivered.id, in: t.admin)) == "done" })

        // The dead letter's own attempt count keeps its key beside the recorded attempts.
        let view = try t.admin.perform(.getEvent(rejected.id), Self.request("GET", "/admin/events/\(rejected.id)"))
        #expect(try JSON.parse(view.body)["deliveries"]?["ops"]?["attempts"]?.int64Value == 1)
        let failed = try #require(try Self.attempts(of: rejected.id, in: t.admin)?.first)
        #expect(failed["event_id"]?.stringValue == rejected.id)
        #expect(failed["attempt"]?.int64Value == 1)
        #expect(failed["outcome"]?.stringValue == "permanent")
        #expect(failed["status"]?.int64Value == 400)
        #expect(failed["error"]?.stringValue == "HTTP 400")
        #expect(failed["started_at"]?.stringValue.flatMap(TimeConversion.parseISO8601) != nil)
        #expect(failed["duration_seconds"]?.doubleValue != nil)
        let retrying = try #require(try Self.attempts(of: stuck.id, in: t.admin)?.first)
        #expect(retrying["outcome"]?.stringValue == "retry")
        #expect(retrying["status"]?.int64Value == 503)
        #expect(try Self.attempts(of: delivered.id, in: t.admin)?.isEmpty == true, "a first-time success is not recorded")
    }

    @Test func theSinkAttemptsListIsNewestFirstAndHonoursItsLimit() throws {
        let stuck = TestEvent.make(), rejected = TestEvent.make()
        let t = try Setup(FailingSink(stuck: stuck.id, rejected: rejected.id))
        // One after the other, so the order of the two failures is known.
        Self.append(stuck, to: t.journal)
        #expect(Self.eventually { (try? Self.attempts(of: stuck.id, in: t.admin))?.count == 1 })
        Self.append(rejected, to: t.journal)
        #expect(Self.eventually { (try? Self.attempts(of: rejected.id, in: t.admin))?.count == 1 })

        let all = try Self.sinkAttempts("ops", query: [], in: t.admin)
        #expect(all.status == 200)
        #expect(try JSON.parse(all.body).arrayValue?.compactMap { $0["event_id"]?.stringValue } == [rejected.id, stuck.id])
        let one = try Self.sinkAttempts("ops", query: [("limit", "1")], in: t.admin)
        #expect(try JSON.parse(one.body).arrayValue?.compactMap { $0["event_id"]?.stringValue } == [rejected.id])
    }

    @Test func theSinkAttemptsListRejectsAnUnknownSinkAndABadLimit() throws {
        let t = try Setup(FailingSink(stuck: "", rejected: ""))
        #expect(try Self.sinkAttempts("nope", query: [], in: t.admin).status == 404)
        for bad in ["0", "1001", "-1", "ten", ""] {
            #expect(try Self.sinkAttempts("ops", query: [("limit", bad)], in: t.admin).status == 400, "limit=\(bad)")
        }
        #expect(try Self.sinkAttempts("ops", query: [("offset", "1")], in: t.admin).status == 400)
        #expect(try Self.sinkAttempts("ops", query: [("limit", "1000")], in: t.admin).status == 200)
        #expect(AdminRoute.match(method: "GET", path: "/admin/sinks/ops/attempts") == .found(.attempts("ops")))
        #expect(AdminRoute.match(method: "POST", path: "/admin/sinks/ops/attempts") == .wrongMethod(["GET"]))
    }

    static func request(_ method: String, _ path: String, query: [(String, String)] = [], body: String = "") -> HTTPRequest {
        HTTPRequest(head: HTTPRequestHead(method: method, target: path, path: path, query: query), body: Array(body.utf8))
    }

    /// `GET /admin/sinks/<sink>/attempts` with `query`, errors rendered as the handler renders them.
    static func sinkAttempts(_ sink: String, query: [(String, String)], in admin: AdminHandler) throws -> HTTPResponse {
        let path = "/admin/sinks/\(sink)/attempts"
        do {
            return try admin.perform(.attempts(sink), request("GET", path, query: query))
        } catch let error as AdminError {
            return error.response
        }
    }

    /// The `recorded_attempts` the event view gives `id` at the sink `ops` (nil if it has none).
    static func attempts(of id: String, in admin: AdminHandler) throws -> [JSONValue]? {
        let response = try admin.perform(.getEvent(id), request("GET", "/admin/events/\(id)"))
        return try JSON.parse(response.body)["deliveries"]?["ops"]?["recorded_attempts"]?.arrayValue
    }

    /// The `state` the event view gives `id` at the sink `ops`.
    static func state(of id: String, in admin: AdminHandler) throws -> String? {
        let response = try admin.perform(.getEvent(id), request("GET", "/admin/events/\(id)"))
        return try JSON.parse(response.body)["deliveries"]?["ops"]?["state"]?.stringValue
    }

    /// Appends and waits until the journal has it.
    @discardableResult
    static func append(_ event: StoredEvent, to journal: Journal) -> JournalPosition {
        let done = DispatchSemaphore(value: 0)
        let position = Mutex<JournalPosition?>(nil)
        journal.append(event.encoded()) { result in
            if case .success(let p) = result { position.withLock { $0 = p } }
            done.signal()
        }
        done.wait()
        return position.withLock { $0 }!
    }

    /// Polls `condition` every 10 ms for up to five seconds (delivery is asynchronous).
    static func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<500 {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }
}
