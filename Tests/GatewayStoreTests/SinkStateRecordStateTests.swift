// SinkState.state(of:): where a record stands at a sink, for every way it can get there, built
// through the store's own changes. The cursor is a low-water mark, so positions on both sides of it
// are checked.

import GatewayCore
import Testing
@testable import GatewayStore

@Suite struct SinkStateRecordStateTests {
    let t0 = Timestamp(seconds: 1_800_000_000)
    func p(_ o: UInt64) -> JournalPosition { JournalPosition(segment: 1, offset: o) }

    @Test func eachRecordReportsWhatHappenedToItNotWhichSideOfTheCursorItIsOn() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
        try store.setCursor(p(20))
        for o in [10, 30, 40, 50] as [UInt64] {
            try store.addDeadLetter(DeadLetter(position: p(o), eventID: "e\(o)", attempts: 1, lastError: "HTTP 400", time: t0))
        }
        try store.removeDeadLetters(requeue: false) { $0.eventID == "e40" }
        try store.removeDeadLetters(requeue: true) { $0.eventID == "e10" || $0.eventID == "e50" }
        try store.update([.requeue(p(5))])  // a replay

        let state = store.state
        #expect(state.state(of: p(1)) == .done)
        #expect(state.state(of: p(5)) == .pending)
        #expect(state.state(of: p(10)) == .pending)
        #expect(state.state(of: p(30)) == .deadLetter(store.deadLetters[0]))
        #expect(state.state(of: p(40)) == .done)  // dropped ahead of the cursor: not pending
        #expect(state.state(of: p(50)) == .pending)  // sent back, not redelivered yet
        #expect(state.state(of: p(60)) == .pending)

        // Redelivered after the send-back: finished, though the cursor has not passed it.
        try store.update([.removeRequeued(p(50))])
        #expect(store.state.state(of: p(50)) == .done)
        // Once the cursor passes a dropped record it is no longer skipped, and still done.
        try store.setCursor(p(45))
        #expect(store.state.skipped == [p(50)])
        #expect(store.state.state(of: p(40)) == .done)
    }

    @Test func aSinkThatNeverAcknowledgedHasEverythingPending() {
        #expect(SinkState().state(of: p(0)) == .pending)
    }
}
