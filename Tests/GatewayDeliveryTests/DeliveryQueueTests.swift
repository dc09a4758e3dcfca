// The delivery window as a pure state machine with hand-set times: eligibility under per-session
// ordering, retry times, and how the cursor advances past finished and filtered records.

import GatewayCore
import GatewayStore
import Testing
@testable import GatewayDelivery

func pos(_ n: UInt64) -> JournalPosition { JournalPosition(segment: 1, offset: n * 100) }

extension DeliveryQueue {
    /// Stream record `n` (followed by n + 1): the event `id` of `session`, or nil for a record the
    /// sink's filter left out.
    mutating func appendStream(_ n: UInt64, _ id: String?, session: String? = nil, now: Timestamp) {
        appendStream(position: pos(n), next: pos(n + 1), event: id.map { makeEvent($0, session: session) }, now: now)
    }
}

@Test func onlyTheHeadOfAPartitionIsEligibleAndOnlyWhenDue() {
    var q = DeliveryQueue(ordering: .perSession)
    let now = Timestamp(seconds: 1000)
    q.appendStream(1, "a1", session: "A", now: now)
    q.appendStream(2, "a2", session: "A", now: now)
    q.appendStream(3, "b1", session: "B", now: now)
    let a1 = q.take(now: now)!
    #expect(a1.event.id == "a1")
    // a2 waits behind the running a1; b1 goes.
    #expect(q.take(now: now)?.event.id == "b1")
    #expect(q.take(now: now) == nil)
    // a1 fails and waits 10 s: a2 still waits, even though its own time has come.
    q.reschedule(a1.id, attempts: 1, firstAttemptAt: now, at: now.adding(seconds: 10), durable: true)
    #expect(q.take(now: now.adding(seconds: 5)) == nil)
    #expect(q.nextDue() == now.adding(seconds: 10))
    #expect(q.take(now: now.adding(seconds: 10))?.event.id == "a1")
}

@Test func cursorAdvancesOnlyOverAContiguousFinishedPrefix() {
    var q = DeliveryQueue(ordering: .none)
    let now = Timestamp(seconds: 1000)
    q.appendStream(1, "x", now: now)
    q.appendStream(2, nil, now: now)  // filtered out
    q.appendStream(3, "y", now: now)
    let x = q.take(now: now)!, y = q.take(now: now)!
    q.finish(y.id)
    #expect(q.advanceCursor() == nil)
    q.finish(x.id)
    #expect(q.advanceCursor() == pos(4))
    #expect(q.loaded == 0 && q.streamBacklog == 0)
}

@Test func recordsFinishedPastTheCursorAreListedByTheirPosition() {
    var q = DeliveryQueue(ordering: .none)
    let now = Timestamp(seconds: 1000)
    q.appendStream(1, "stuck", now: now)
    q.appendStream(2, nil, now: now)  // filtered out: a restart filters it again
    q.appendStream(3, "done", now: now)
    q.appendStream(4, "waiting", now: now)
    let stuck = q.take(now: now)!, done = q.take(now: now)!
    q.finish(done.id)
    q.reschedule(stuck.id, attempts: 1, firstAttemptAt: now, at: now.adding(seconds: 60), durable: true)
    #expect(q.advanceCursor() == nil)
    #expect(q.finishedPastCursor(pos(1)) == [pos(3)])
}

@Test func requeuedOlderEventsGoFirstInTheirPartition() {
    var q = DeliveryQueue(ordering: .perSession)
    let now = Timestamp(seconds: 1000)
    q.appendStream(5, "new", session: "A", now: now)
    q.appendRequeue(position: pos(1), event: makeEvent("old", session: "A"), now: now)
    #expect(q.take(now: now)?.event.id == "old")
    #expect(q.take(now: now) == nil)
}

@Test func nextDueIgnoresEventsHeldBackByTheirSession() {
    var q = DeliveryQueue(ordering: .perSession)
    let now = Timestamp(seconds: 1000)
    q.appendStream(1, "a1", session: "A", now: now)
    q.appendStream(2, "a2", session: "A", now: now)
    let a1 = q.take(now: now)!
    #expect(q.nextDue() == nil)  // a2 waits for a1's outcome, not for a time
    q.reschedule(a1.id, attempts: 1, firstAttemptAt: now, at: now.adding(seconds: 30), durable: false)
    #expect(q.nextDue() == now.adding(seconds: 30))
}

@Test func aBatchFinishedOutOfTakeOrderIsFinishedWhole() {
    var q = DeliveryQueue(ordering: .none)
    let now = Timestamp(seconds: 1000)
    for n in UInt64(1)...5 { q.appendStream(n, "e\(n)", now: now) }
    let batch = q.take(now: now, limit: 5)
    #expect(batch.map(\.event.id) == ["e1", "e2", "e3", "e4", "e5"])
    // Reversed, and with one id given twice: each item is finished once.
    q.finish([batch[4].id, batch[2].id, batch[0].id, batch[2].id])
    #expect(q.loaded == 2)
    #expect(q.loadedBytes == batch[1].event.envelope.count + batch[3].event.envelope.count)
    #expect(q.advanceCursor() == pos(2))
    q.finish([batch[3].id, batch[1].id])
    #expect(q.loaded == 0 && q.loadedBytes == 0)
    #expect(q.advanceCursor() == pos(6))
}

@Test func cursorWaitsForStreamEventsNotForRequeues() {
    var q = DeliveryQueue(ordering: .perSession)
    let now = Timestamp(seconds: 1000)
    // Requeued ahead of the stream (as after a restart), then stream records before and after it.
    q.appendRequeue(position: pos(3), event: makeEvent("again", session: "A"), now: now)
    q.appendStream(1, "s1", session: "B", now: now)
    q.appendStream(2, nil, now: now)
    q.appendStream(4, "s4", session: "A", now: now)
    let first = q.take(now: now, limit: 10)
    // s4 waits behind the older requeued event of its session.
    #expect(first.map(\.event.id) == ["s1", "again"])
    q.finish(first.map(\.id))
    // The requeue was never a stream slot: the cursor moves up to s4, which is still loaded.
    #expect(q.advanceCursor() == pos(3))
    let s4 = q.take(now: now, limit: 10)
    #expect(s4.map(\.event.id) == ["s4"])
    q.reschedule(s4[0].id, attempts: 1, firstAttemptAt: now, at: now.adding(seconds: 5), durable: false)
    #expect(q.advanceCursor() == nil)
    #expect(q.take(now: now.adding(seconds: 5), limit: 10).map(\.event.id) == ["s4"])
    q.finish(s4[0].id)
    #expect(q.advanceCursor() == pos(5))
    #expect(q.streamBacklog == 0)
}

@Test func aHeadWaitingToRetryHoldsBackOnlyItsOwnSessionInABatch() {
    var q = DeliveryQueue(ordering: .perSession)
    let now = Timestamp(seconds: 1000)
    q.appendStream(1, "a1", session: "A", now: now)
    q.appendStream(2, "b1", session: "B", now: now)
    q.appendStream(3, "a2", session: "A", now: now)
    q.appendStream(4, "b2", session: "B", now: now)
    q.appendStream(5, "c1", session: "C", now: now)
    let a1 = q.take(now: now)!
    q.reschedule(a1.id, attempts: 1, firstAttemptAt: now, at: now.adding(seconds: 10), durable: false)
    // One event per session per batch, and nothing of A while its head waits.
    #expect(q.take(now: now, limit: 10).map(\.event.id) == ["b1", "c1"])
    #expect(q.take(now: now.adding(seconds: 10), limit: 10).map(\.event.id) == ["a1"])
}
