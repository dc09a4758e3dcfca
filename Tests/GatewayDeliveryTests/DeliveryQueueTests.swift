// The delivery window as a pure state machine with hand-set times: eligibility under per-session
// ordering, retry times, and how the cursor advances past finished and filtered records.

import GatewayCore
import GatewayStore
import Testing
@testable import GatewayDelivery

func pos(_ n: UInt64) -> JournalPosition { JournalPosition(segment: 1, offset: n * 100) }

@Test func onlyTheHeadOfAPartitionIsEligibleAndOnlyWhenDue() {
    var q = DeliveryQueue(ordering: .perSession)
    let now = Timestamp(seconds: 1000)
    q.appendStream(position: pos(1), next: pos(2), event: makeEvent("a1", session: "A"), now: now)
    q.appendStream(position: pos(2), next: pos(3), event: makeEvent("a2", session: "A"), now: now)
    q.appendStream(position: pos(3), next: pos(4), event: makeEvent("b1", session: "B"), now: now)
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
    q.appendStream(position: pos(1), next: pos(2), event: makeEvent("x"), now: now)
    q.appendStream(position: pos(2), next: pos(3), event: nil, now: now)  // filtered out
    q.appendStream(position: pos(3), next: pos(4), event: makeEvent("y"), now: now)
    let x = q.take(now: now)!, y = q.take(now: now)!
    q.finish(y.id)
    #expect(q.advanceCursor() == nil)
    q.finish(x.id)
    #expect(q.advanceCursor() == pos(4))
    #expect(q.loaded == 0 && q.streamBacklog == 0)
}

@Test func requeuedOlderEventsGoFirstInTheirPartition() {
    var q = DeliveryQueue(ordering: .perSession)
    let now = Timestamp(seconds: 1000)
    q.appendStream(position: pos(5), next: pos(6), event: makeEvent("new", session: "A"), now: now)
    q.appendRequeue(position: pos(1), event: makeEvent("old", session: "A"), now: now)
    #expect(q.take(now: now)?.event.id == "old")
    #expect(q.take(now: now) == nil)
}

@Test func nextDueIgnoresEventsHeldBackByTheirSession() {
    var q = DeliveryQueue(ordering: .perSession)
    let now = Timestamp(seconds: 1000)
    q.appendStream(position: pos(1), next: pos(2), event: makeEvent("a1", session: "A"), now: now)
    q.appendStream(position: pos(2), next: pos(3), event: makeEvent("a2", session: "A"), now: now)
    let a1 = q.take(now: now)!
    #expect(q.nextDue() == nil)  // a2 waits for a1's outcome, not for a time
    q.reschedule(a1.id, attempts: 1, firstAttemptAt: now, at: now.adding(seconds: 30), durable: false)
    #expect(q.nextDue() == now.adding(seconds: 30))
}
