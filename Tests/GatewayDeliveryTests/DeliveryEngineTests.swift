// The engine end to end over a real journal and sink state: ordering, isolation between sinks,
// durability across restarts, dead letters, 410 pauses, replay and filters.

import Foundation
import GatewayCore
import GatewayStore
import Synchronization
import Testing
@testable import GatewayDelivery

@Test func laterEventsOfARetryingSessionWaitWhileOtherSessionsProceed() throws {
    let h = try Harness()
    defer { h.close() }
    // a1 fails twice; b1, b2 must not wait for it, a2 and a3 must.
    let sink = ScriptedSink { id, attempt in
        id == "a1" && attempt <= 2 ? .retry(reason: "HTTP 503", after: nil) : .delivered(status: 200)
    }
    let engine = try h.engine([ConfiguredSink(sink: sink, retry: fastRetry([0.1, 0.1]), concurrency: 4)])
    engine.start()
    defer { engine.stop() }
    for (id, session) in [("a1", "A"), ("a2", "A"), ("b1", "B"), ("a3", "A"), ("b2", "B")] {
        append(h.journal, makeEvent(id, session: session))
    }
    #expect(eventually { sink.delivered.count == 5 })
    let delivered = sink.delivered
    #expect(delivered.filter { $0.hasPrefix("a") } == ["a1", "a2", "a3"])
    // Session B finished before a1's retries did.
    #expect(delivered.firstIndex(of: "b2")! < delivered.firstIndex(of: "a1")!)
    // a2 and a3 were never attempted before a1 succeeded.
    let attempts = sink.attempts
    #expect(attempts.filter { $0 == "a1" }.count == 3)
    #expect(attempts.lastIndex(of: "a1")! < attempts.firstIndex(of: "a2")!)
}

@Test func orderingNoneDoesNotHoldBackASession() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink { id, attempt in
        id == "a1" && attempt == 1 ? .retry(reason: "HTTP 500", after: nil) : .delivered(status: 200)
    }
    let engine = try h.engine([ConfiguredSink(sink: sink, retry: fastRetry([0.3]), ordering: .none, concurrency: 2)])
    engine.start()
    defer { engine.stop() }
    append(h.journal, makeEvent("a1", session: "A"))
    append(h.journal, makeEvent("a2", session: "A"))
    #expect(eventually { sink.delivered.count == 2 })
    #expect(sink.delivered == ["a2", "a1"])
}

@Test func aBatchingSinkGetsReadyEventsTogetherOnePerSessionAndRetriesOnlyTheFailedOne() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink(batchLimit: 8) { id, attempt in
        id == "c1" && attempt == 1 ? .retry(reason: "HTTP 503", after: nil) : .delivered(status: 200)
    }
    let engine = try h.engine([ConfiguredSink(sink: sink, retry: fastRetry([0.05]), concurrency: 1)])
    // Journaled before the engine starts, so the worker finds them all ready at once.
    let plan = [("a1", "A"), ("a2", "A"), ("b1", "B"), ("c1", "C"), ("c2", "C"), ("d1", "D"), ("e1", "E"), ("a3", "A")]
    for (id, session) in plan { append(h.journal, makeEvent(id, session: session)) }
    engine.start()
    defer { engine.stop() }
    #expect(eventually { sink.delivered.count == plan.count })
    let batches = sink.batches
    // The first call takes the head of every session: a1 b1 c1 d1 e1.
    #expect(batches.first?.map(\.id) == ["a1", "b1", "c1", "d1", "e1"])
    for batch in batches {
        let sessions = batch.compactMap(\.sessionID)
        #expect(Set(sessions).count == sessions.count, "two events of one session in one batch: \(batch.map(\.id))")
    }
    // Only c1 was attempted twice; every other event once, and each session kept its order.
    let attempts = sink.attempts
    #expect(attempts.filter { $0 == "c1" }.count == 2)
    #expect(Set(plan.map(\.0)).allSatisfy { id in id == "c1" || attempts.filter { $0 == id }.count == 1 })
    let delivered = sink.delivered
    #expect(delivered.filter { $0.hasPrefix("a") } == ["a1", "a2", "a3"])
    #expect(delivered.filter { $0.hasPrefix("c") } == ["c1", "c2"])
}

@Test func theWindowHoldsAboutWindowBytesOfEnvelopesButAlwaysOneEvent() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink(delay: 0.005, batchLimit: 64)
    // Each envelope is a few hundred bytes: a 600-byte bound fits one or two, never all 30.
    let engine = try h.engine([ConfiguredSink(sink: sink, concurrency: 1)], windowBytes: 600)
    let ids = (0..<30).map { "w\($0)" }
    for id in ids { append(h.journal, makeEvent(id, session: "S\(id)")) }
    engine.start()
    defer { engine.stop() }
    var deepest = 0
    let delivered = eventually {
        deepest = max(deepest, engine.status().first?.queueDepth ?? 0)
        return sink.delivered.count == ids.count
    }
    #expect(delivered)
    #expect(Set(sink.delivered) == Set(ids), "every event is delivered, the bound only paces loading")
    #expect(deepest <= 3, "window depth peaked at \(deepest)")
    #expect(sink.batches.allSatisfy { $0.count <= 3 })
}

@Test func aSlowSinkDoesNotDelayAnotherSink() throws {
    let h = try Harness()
    defer { h.close() }
    let slow = ScriptedSink(name: "slow", delay: 1.5)
    let fast = ScriptedSink(name: "fast")
    let engine = try h.engine([ConfiguredSink(sink: slow, concurrency: 1), ConfiguredSink(sink: fast, concurrency: 1)])
    engine.start()
    let started = Date()
    for i in 0..<3 { append(h.journal, makeEvent("e\(i)", session: "S")) }
    #expect(eventually(timeout: 1) { fast.delivered.count == 3 })
    #expect(Date().timeIntervalSince(started) < 1)
    #expect(slow.delivered.count <= 1)
    engine.stop()
}

@Test func restartDeliversEverythingNotYetAcknowledged() throws {
    let h = try Harness()
    defer { h.close() }
    let first = ScriptedSink(delay: 0.01)
    var engine = try h.engine([ConfiguredSink(sink: first, concurrency: 2)])
    engine.start()
    for i in 0..<60 { append(h.journal, makeEvent("e\(i)", session: "s\(i % 3)")) }
    #expect(eventually { first.delivered.count >= 10 })
    engine.stop()
    let before = Set(first.delivered)
    #expect(before.count < 60)

    // More arrives while no engine runs; a new engine over the same storage takes over.
    for i in 60..<70 { append(h.journal, makeEvent("e\(i)", session: "s\(i % 3)")) }
    let second = ScriptedSink()
    engine = try h.engine([ConfiguredSink(sink: second, concurrency: 2)])
    engine.start()
    #expect(eventually { before.count + second.delivered.count >= 70 })
    engine.stop()
    let all = Set((0..<70).map { "e\($0)" })
    #expect(before.union(second.delivered) == all)
    // A clean stop made every acknowledgement durable: nothing went out twice.
    #expect(before.isDisjoint(with: second.delivered))
    #expect(second.delivered.count == Set(second.delivered).count)
}

@Test func aCleanStopLeavesNothingToDeliverTwiceBehindARetryingEvent() throws {
    let h = try Harness()
    defer { h.close() }
    let first = ScriptedSink { id, _ in id == "stuck" ? .retry(reason: "HTTP 503", after: nil) : .delivered(status: 200) }
    var engine = try h.engine([ConfiguredSink(sink: first, retry: fastRetry([60]))])
    engine.start()
    for (n, id) in ["stuck", "a", "b"].enumerated() { append(h.journal, makeEvent(id, session: "s\(n)")) }
    // a and b are in different sessions: the sink's four workers may deliver them in either order.
    #expect(eventually { first.delivered.sorted() == ["a", "b"] && first.attempts.contains("stuck") })
    engine.stop()

    let second = ScriptedSink()
    engine = try h.engine([ConfiguredSink(sink: second, retry: fastRetry([0.05]))])
    engine.start()
    defer { engine.stop() }
    // The retry was scheduled 60 s out; a restart keeps the schedule. Replaying it now is not
    // the point: only that a and b do not come back.
    usleep(300_000)
    #expect(second.attempts == [])
}

@Test func retryStateSurvivesARestart() throws {
    let h = try Harness()
    defer { h.close() }
    let failing = ScriptedSink { _, _ in .retry(reason: "HTTP 502", after: nil) }
    var engine = try h.engine([ConfiguredSink(sink: failing, retry: fastRetry([0.05, 0.05, 0.05, 0.05]))])
    engine.start()
    append(h.journal, makeEvent("x", session: "S"))
    #expect(eventually { failing.attempts.count >= 2 })
    engine.stop()
    let made = failing.attempts.count

    // Five attempts in all are allowed; the new engine continues the count instead of restarting it.
    let stillFailing = ScriptedSink { _, _ in .retry(reason: "HTTP 502", after: nil) }
    engine = try h.engine([ConfiguredSink(sink: stillFailing, retry: fastRetry([0.05, 0.05, 0.05, 0.05]))])
    engine.start()
    defer { engine.stop() }
    #expect(eventually { (try? engine.deadLetters(sink: "test").count) == 1 })
    #expect(made + stillFailing.attempts.count == 5)
    let letter = try engine.deadLetters(sink: "test")[0]
    #expect(letter.eventID == "x" && letter.attempts == 5 && letter.lastStatus == 502)
}

@Test func rejectedEventsGoToDeadLettersAndRetryDeliversEachExactlyOnce() throws {
    let h = try Harness()
    defer { h.close() }
    let fixed = Mutex(false)
    let sink = ScriptedSink { _, _ in fixed.withLock { $0 } ? .delivered(status: 200) : .permanent(reason: "HTTP 400") }
    let engine = try h.engine([ConfiguredSink(sink: sink, retry: fastRetry())])
    engine.start()
    defer { engine.stop() }
    for i in 0..<5 { append(h.journal, makeEvent("d\(i)", session: "S")) }
    #expect(eventually { (try? engine.deadLetters(sink: "test").count) == 5 })
    // A 400 is not retried.
    #expect(sink.attempts.count == 5)
    #expect(engine.status()[0].deadLetters == 5)

    fixed.withLock { $0 = true }
    let retried = try engine.retryDeadLetters(sink: "test")
    #expect(retried.count == 5)
    #expect(eventually { sink.delivered.count == 5 })
    usleep(200_000)
    #expect(sink.delivered.sorted() == (0..<5).map { "d\($0)" })
    #expect(try engine.deadLetters(sink: "test").isEmpty)
}

@Test func deadLettersDroppedOrSentBackAheadOfTheCursorDoNotComeBackAfterARestart() throws {
    let h = try Harness()
    defer { h.close() }
    // "slow" keeps retrying, so the cursor stays before it; the rejected events after it are
    // dead-lettered ahead of the cursor, and a clean stop still leaves them ahead of it.
    let sent = Mutex(false)
    let script: @Sendable (String, Int) -> DeliveryOutcome = { id, _ in
        if id == "slow" { return .retry(reason: "HTTP 503", after: nil) }
        return id == "resent" && sent.withLock({ $0 }) ? .delivered(status: 200) : .permanent(reason: "HTTP 400")
    }
    let first = ScriptedSink(script: script)
    var engine = try h.engine([ConfiguredSink(sink: first, retry: fastRetry([60]), ordering: .none)])
    engine.start()
    for id in ["slow", "dropped", "resent"] { append(h.journal, makeEvent(id, session: id)) }
    #expect(eventually { (try? engine.deadLetters(sink: "test").count) == 2 })
    let letters = try engine.deadLetters(sink: "test")
    _ = try engine.dropDeadLetters(sink: "test", ids: [letters.first { $0.eventID == "dropped" }!.sequence])
    sent.withLock { $0 = true }
    _ = try engine.retryDeadLetters(sink: "test")
    #expect(eventually { first.delivered == ["resent"] })
    usleep(100_000)
    engine.stop()

    let second = ScriptedSink(script: script)
    engine = try h.engine([ConfiguredSink(sink: second, retry: fastRetry([60]), ordering: .none)])
    engine.start()
    defer { engine.stop() }
    usleep(300_000)
    #expect(second.attempts == [])
    #expect(try engine.deadLetters(sink: "test").map(\.eventID) == [])
}

@Test func goneReceiverPausesTheSinkUntilResumed() throws {
    let h = try Harness()
    defer { h.close() }
    let back = Mutex(false)
    let sink = ScriptedSink { _, _ in back.withLock { $0 } ? .delivered(status: 200) : .gone(reason: "HTTP 410 Gone") }
    let engine = try h.engine([ConfiguredSink(sink: sink, retry: fastRetry())])
    engine.start()
    defer { engine.stop() }
    append(h.journal, makeEvent("g1", session: "S"))
    append(h.journal, makeEvent("g2", session: "T"))
    #expect(eventually { engine.status()[0].paused != nil })
    // Deliveries already in flight finish; after that, nothing more is attempted while paused.
    usleep(50_000)
    let attemptsWhenPaused = sink.attempts.count
    usleep(300_000)
    #expect(sink.attempts.count == attemptsWhenPaused)
    #expect(sink.delivered.isEmpty)
    #expect(engine.status()[0].deadLetters == 0)
    #expect(engine.status()[0].paused?.reason.contains("410") == true)

    back.withLock { $0 = true }
    try engine.resume("test")
    #expect(eventually { sink.delivered.count == 2 })
    #expect(engine.status()[0].paused == nil)
}

@Test func pauseSurvivesRestart() throws {
    let h = try Harness()
    defer { h.close() }
    var engine = try h.engine([ConfiguredSink(sink: ScriptedSink())])
    try engine.pause("test", reason: "maintenance")
    engine.stop()
    let sink = ScriptedSink()
    engine = try h.engine([ConfiguredSink(sink: sink)])
    engine.start()
    append(h.journal, makeEvent("p1"))
    usleep(200_000)
    #expect(sink.attempts.isEmpty)
    #expect(engine.status()[0].paused?.reason == "maintenance")
    try engine.resume("test")
    #expect(eventually { sink.delivered == ["p1"] })
    engine.stop()
}

@Test func filtersDecideWhatASinkReceives() throws {
    let h = try Harness()
    defer { h.close() }
    let sessions = ScriptedSink(name: "sessions")
    let everything = ScriptedSink(name: "all")
    let engine = try h.engine([
        ConfiguredSink(sink: sessions, filter: EventFilter(types: ["session.*"])),
        ConfiguredSink(sink: everything),
    ])
    engine.start()
    append(h.journal, makeEvent("1", type: "session.completed"))
    append(h.journal, makeEvent("2", type: "transcript.ready"))
    append(h.journal, makeEvent("3", type: "session.failed"))
    #expect(eventually { everything.delivered.count == 3 && sessions.delivered.count == 2 })
    engine.stop()
    #expect(Set(sessions.delivered) == ["1", "3"])
}

@Test func replayRequeuesMatchingEventsAlreadyDelivered() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink()
    let engine = try h.engine([ConfiguredSink(sink: sink)])
    engine.start()
    defer { engine.stop() }
    append(h.journal, makeEvent("r1", session: "A", type: "session.completed"))
    append(h.journal, makeEvent("r2", session: "B", type: "session.completed"))
    append(h.journal, makeEvent("r3", session: "A", type: "transcript.ready"))
    #expect(eventually { sink.delivered.count == 3 })
    let n = try engine.replay(sink: "test", filter: ReplayFilter(types: ["session.*"], session: "A"))
    #expect(n == 1)
    #expect(eventually { sink.delivered.count == 4 })
    #expect(sink.delivered.last == "r1")
    #expect(throws: DeliveryError.self) { try engine.replay(sink: "nope", filter: ReplayFilter()) }
}

@Test func statusReportsQueueAndAttempts() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink { _, _ in .retry(reason: "HTTP 503", after: 60) }
    let engine = try h.engine([ConfiguredSink(sink: sink, retry: fastRetry())])
    engine.start()
    defer { engine.stop() }
    append(h.journal, makeEvent("s1", session: "A", receivedAt: Timestamp.now().adding(seconds: -30)))
    #expect(eventually { engine.status()[0].retrying == 1 })
    let s = engine.status()[0]
    #expect(s.queueDepth == 1 && s.attempts["retry"] == 1)
    #expect((s.oldestUndeliveredAge ?? 0) >= 29)
    // Retry-After: 60 was honoured: no second attempt yet.
    usleep(150_000)
    #expect(sink.attempts.count == 1)
}

@Test func sendTestBypassesTheQueue() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink()
    let engine = try h.engine([ConfiguredSink(sink: sink)])
    #expect(try engine.sendTest(sink: "test", event: makeEvent("t")) == .delivered(status: 200))
    #expect(sink.delivered == ["t"])
    engine.stop()
}

@Test func retentionFloorIsTheSlowestSinksCursor() throws {
    let h = try Harness()
    defer { h.close() }
    let fast = ScriptedSink(name: "fast")
    let stuck = ScriptedSink(name: "stuck") { _, _ in .retry(reason: "HTTP 500", after: nil) }
    let engine = try h.engine([ConfiguredSink(sink: fast), ConfiguredSink(sink: stuck, retry: fastRetry([60]))])
    let start = h.journal.end
    engine.start()
    defer { engine.stop() }
    append(h.journal, makeEvent("1", session: "A"))
    append(h.journal, makeEvent("2", session: "A"))
    #expect(eventually { fast.delivered.count == 2 && stuck.attempts.count == 1 })
    #expect(eventually { engine.status().first { $0.name == "fast" }?.cursor == h.journal.end })
    #expect(engine.retentionFloor() == start)
}

@Test func acknowledgementsLostInACrashMeanRedeliveryNotLoss() throws {
    let h = try Harness()
    defer { h.close() }
    let first = ScriptedSink()
    // Acknowledgements gather for 10 s before they are written, so none is durable at the "crash".
    var engine = try DeliveryEngine(journal: h.journal, storageDirectory: h.directory, sinks: [ConfiguredSink(sink: first)],
                                    logger: .silent, options: .init(flushInterval: 10))
    engine.start()
    for i in 0..<20 { append(h.journal, makeEvent("k\(i)", session: "s\(i % 4)")) }
    #expect(eventually { first.delivered.count == 20 })
    engine.stop(persist: false)

    let second = ScriptedSink()
    engine = try h.engine([ConfiguredSink(sink: second)])
    engine.start()
    #expect(eventually { second.delivered.count == 20 })
    engine.stop()
    // At least once: everything comes again, with the same event ids for receivers to dedupe.
    #expect(Set(second.delivered) == Set(first.delivered))
}

@Test func throughputWithANoOpSinkIsPrinted() throws {
    let h = try Harness()
    defer { h.close() }
    let count = 5000
    for i in 0..<count { h.journal.append(makeEvent("n\(i)", session: "s\(i % 50)").encoded()) { _ in } }
    #expect(eventually { h.journal.statistics.appends == count })
    let sink = CountingSink()
    // Start from the beginning of the journal: replay everything into the new sink's queue.
    let engine = try h.engine([ConfiguredSink(sink: sink, concurrency: 4)])
    let started = Date()
    engine.start()
    defer { engine.stop() }
    _ = try engine.replay(sink: "test", filter: ReplayFilter())
    #expect(eventually(timeout: 30) { sink.count.load(ordering: .relaxed) == count })
    let seconds = Date().timeIntervalSince(started)
    print("delivery throughput, no-op sink, per_session over 50 sessions, concurrency 4: \(Int(Double(count) / seconds)) events/s (\(count) events in \(String(format: "%.2f", seconds)) s)")
}

final class CountingSink: Sink {
    let name = "test"
    let count = Atomic<Int>(0)
    func deliver(_ event: StoredEvent) -> DeliveryOutcome {
        count.add(1, ordering: .relaxed)
        return .delivered(status: 200)
    }
}

/// The receiver is back: an operator makes the waiting retries due now instead of an hour out,
/// for events already loaded and for retries restored from the state file but not loaded yet.
@Test func retryNowAttemptsWaitingRetriesAtOnce() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink { _, attempt in attempt == 1 ? .retry(reason: "HTTP 503", after: nil) : .delivered(status: 200) }
    let hour = RetryPolicy(backoff: .schedule([3600]), jitter: 0)
    do {
        let engine = try h.engine([ConfiguredSink(sink: sink, retry: hour, ordering: .none)])
        engine.start()
        append(h.journal, makeEvent("e1"))
        #expect(eventually { sink.attempts == ["e1"] && engine.status()[0].retrying == 1 })
        #expect(try engine.retryNow(sink: "test") == 1)
        #expect(eventually { sink.delivered == ["e1"] })
        #expect(try engine.retryNow(sink: "test") == 0)
        append(h.journal, makeEvent("e2"))
        #expect(eventually { sink.attempts.filter { $0 == "e2" }.count == 1 && engine.status()[0].retrying == 1 })
        engine.stop()
    }
    // After a restart e2's retry comes back from the state file, an hour out.
    let engine = try h.engine([ConfiguredSink(sink: sink, retry: hour, ordering: .none)])
    engine.start()
    defer { engine.stop() }
    #expect(eventually { engine.status()[0].retrying == 1 })
    #expect(!eventually(timeout: 0.3) { sink.delivered.contains("e2") })
    #expect(try engine.retryNow(sink: "test") == 1)
    #expect(eventually { sink.delivered == ["e1", "e2"] })
    #expect(throws: DeliveryError.self) { try engine.retryNow(sink: "nope") }
}
