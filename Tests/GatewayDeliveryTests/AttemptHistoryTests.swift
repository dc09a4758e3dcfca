// The per-sink history of delivery attempts: what the dispatcher records (failures and the success
// that ends them, never a first-time success, batches included), the ring's bound, the error
// text's bound, and that a reload keeps it.

import Foundation
import GatewayCore
import GatewayStore
import Testing
@testable import GatewayDelivery

@Test func anEventFailingTwiceThenSucceedingRecordsThreeAttempts() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink { id, attempt in
        guard id == "flaky" else { return .delivered(status: 200) }
        switch attempt {
        case 1: return .retry(reason: "HTTP 503", after: nil)
        case 2: return .retry(reason: "timed out during response", after: nil)
        default: return .delivered(status: 200)
        }
    }
    let engine = try h.engine([ConfiguredSink(sink: sink, retry: fastRetry())])
    engine.start()
    defer { engine.stop() }
    let flakyEvent = makeEvent("flaky", session: "A"), steadyEvent = makeEvent("steady", session: "B")
    let flaky = append(h.journal, flakyEvent)
    let steady = append(h.journal, steadyEvent)
    #expect(eventually { sink.delivered.count == 2 && recorded(engine, flaky, flakyEvent)["test"]?.count == 3 })

    let records = try #require(recorded(engine, flaky, flakyEvent)["test"])
    #expect(records.map(\.attempt) == [1, 2, 3])
    #expect(records.map(\.outcome) == ["retry", "retry", "delivered"])
    #expect(records.map(\.status) == [503, nil, 200])
    #expect(records.map(\.error) == ["HTTP 503", "timed out during response", nil])
    #expect(records.allSatisfy { $0.eventID == "flaky" && $0.position == flaky && $0.duration >= 0 })
    #expect(zip(records, records.dropFirst()).allSatisfy { $0.startedAt <= $1.startedAt })
    #expect(recorded(engine, steady, steadyEvent).isEmpty)
    #expect(try engine.attempts(sink: "test", limit: 100).map(\.attempt) == [3, 2, 1], "newest first")
}

@Test func eventsDeliveredAtTheFirstAttemptRecordNothing() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink(batchLimit: 8)
    let engine = try h.engine([ConfiguredSink(sink: sink)])
    engine.start()
    defer { engine.stop() }
    for i in 0..<20 { append(h.journal, makeEvent("e\(i)", session: "s\(i % 4)")) }
    #expect(eventually { sink.delivered.count == 20 })
    #expect(try engine.attempts(sink: "test", limit: 1000).isEmpty)
}

@Test func aBatchRecordsOnlyItsFailedEventAndAResentEventStartsAfresh() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink(batchLimit: 8) { id, attempt in
        id == "c1" && attempt == 1 ? .permanent(reason: "HTTP 422") : .delivered(status: 200)
    }
    let engine = try h.engine([ConfiguredSink(sink: sink, concurrency: 1)])
    for (id, session) in [("a1", "A"), ("b1", "B"), ("c1", "C"), ("d1", "D")] { append(h.journal, makeEvent(id, session: session)) }
    engine.start()
    defer { engine.stop() }
    #expect(eventually { (try? engine.deadLetters(sink: "test"))?.count == 1 && sink.delivered.count == 3 })
    #expect(sink.batches.first?.count == 4, "the four events went in one call")
    let recorded = try engine.attempts(sink: "test", limit: 100)
    #expect(recorded.map(\.eventID) == ["c1"])
    #expect(recorded.first?.outcome == "permanent")
    #expect(recorded.first?.status == 422)

    // Sent back by an operator, it is delivered: a first attempt again, so not recorded.
    try engine.retryDeadLetters(sink: "test")
    #expect(eventually { sink.delivered.count == 4 })
    #expect(try engine.attempts(sink: "test", limit: 100).map(\.eventID) == ["c1"])
}

@Test func theHistoryDropsTheOldestRecordsBeyondItsBound() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink { _, _ in .permanent(reason: "HTTP 400") }
    let engine = try h.engine([ConfiguredSink(sink: sink, concurrency: 1)], attemptHistory: 3)
    engine.start()
    defer { engine.stop() }
    let events = (0..<5).map { makeEvent("e\($0)", session: "S") }
    let positions = events.map { append(h.journal, $0) }
    #expect(eventually { (try? engine.deadLetters(sink: "test"))?.count == 5 })
    #expect(try engine.attempts(sink: "test", limit: 100).map(\.eventID) == ["e4", "e3", "e2"])
    #expect(try engine.attempts(sink: "test", limit: 2).map(\.eventID) == ["e4", "e3"])
    #expect(recorded(engine, positions[0], events[0]).isEmpty)
    #expect(recorded(engine, positions[4], events[4])["test"]?.count == 1)
}

@Test func theRingKeepsTheNewestInOrderAcrossManyWrapArounds() {
    let history = AttemptHistory(capacity: 4)
    func record(_ n: Int) -> AttemptRecord {
        AttemptRecord(eventID: "e\(n)", position: JournalPosition(segment: 1, offset: UInt64(n % 2)), attempt: n,
                      startedAt: Timestamp(seconds: Int64(n)), duration: 0, outcome: .retry(reason: "HTTP 500", after: nil))
    }
    history.record((1...9).map(record))
    #expect(history.newest(10).map(\.attempt) == [9, 8, 7, 6])
    #expect(history.newest(1).map(\.attempt) == [9])
    #expect(history.newest(0).isEmpty)
    // Per record, oldest first: 7 and 9 are at offset 1, and 6 and 8 at offset 0.
    #expect(history.records(at: JournalPosition(segment: 1, offset: 1)).map(\.attempt) == [7, 9])
    #expect(history.records(at: JournalPosition(segment: 1, offset: 0)).map(\.attempt) == [6, 8])
}

@Test func aLongErrorIsCutOnACharacterBoundary() {
    let reason = String(repeating: "é", count: 1000)  // 2 bytes each
    let record = AttemptRecord(eventID: "e", position: JournalPosition(segment: 1, offset: 0), attempt: 1,
                               startedAt: .now(), duration: 0, outcome: .retry(reason: reason, after: nil))
    let error = try! #require(record.error)
    #expect(error.utf8.count <= AttemptRecord.errorLimit)
    #expect(error.hasSuffix("…"))
    #expect(error.dropLast().allSatisfy { $0 == "é" })
    #expect(AttemptRecord.bounded("HTTP 503") == "HTTP 503")
}

@Test func aSinkChangedByAReloadKeepsItsAttemptHistory() throws {
    let h = try Harness()
    defer { h.close() }
    let old = ScriptedSink(name: "app") { _, _ in .permanent(reason: "HTTP 400") }
    let engine = try h.engine([ConfiguredSink(sink: old)])
    engine.start()
    defer { engine.stop() }
    append(h.journal, makeEvent("bad"))
    #expect(eventually { (try? engine.deadLetters(sink: "app"))?.count == 1 })
    try engine.reconfigure([.run(ConfiguredSink(sink: ScriptedSink(name: "app"), concurrency: 2))])
    #expect(try engine.attempts(sink: "app", limit: 10).map(\.eventID) == ["bad"])
}

/// Per sink, the attempts the engine's history holds for the record at `position` (sinks without
/// any left out).
private func recorded(_ engine: DeliveryEngine, _ position: JournalPosition, _ event: StoredEvent) -> [String: [AttemptRecord]] {
    var out: [String: [AttemptRecord]] = [:]
    for d in engine.deliveries(of: position, event: event) where !d.attempts.isEmpty { out[d.sink] = d.attempts }
    return out
}
