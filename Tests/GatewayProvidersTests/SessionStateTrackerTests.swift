// The session lifecycle fold: rank order, stale detection, paused ⇄ recording, final states, LRU
// bound, and thread safety under concurrent observers.

import Testing
import GatewayCore
@testable import GatewayProviders

@Suite struct SessionStateTrackerTests {
    func event(_ type: String, session: String = "s1", provider: String = "recall") -> MeetingEvent {
        var e = MeetingEvent(type: EventType(rawValue: type)!, provider: provider, source: "src", providerEvent: type, receivedAt: Timestamp(seconds: 0))
        e.session = .init(id: session, kind: .bot)
        return e
    }

    @Test func ranksEveryLifecycleTypeAndNothingElse() {
        let ranks = ["session.joining": 1, "session.waiting": 2, "session.joined": 3, "session.recording": 4,
                     "session.paused": 4, "session.ended": 5, "session.completed": 6, "session.failed": 6]
        for type in EventType.vocabulary {
            #expect(SessionStateTracker.rank(of: EventType(rawValue: type)!) == ranks[type], "\(type)")
        }
    }

    @Test func aLaterStateIsNeverUndone() {
        let t = SessionStateTracker(capacity: 10)
        #expect(!t.observe(event("session.joining")))
        #expect(!t.observe(event("session.recording")))
        #expect(t.observe(event("session.waiting")))
        #expect(t.state(provider: "recall", session: "s1")?.rawValue == "session.recording")
        #expect(!t.observe(event("session.ended")))
        #expect(t.observe(event("session.recording")))
    }

    @Test func recordingAndPausedAlternateFreely() {
        let t = SessionStateTracker(capacity: 10)
        #expect(!t.observe(event("session.recording")))
        #expect(!t.observe(event("session.paused")))
        #expect(t.state(provider: "recall", session: "s1")?.rawValue == "session.paused")
        #expect(!t.observe(event("session.recording")))
        #expect(t.state(provider: "recall", session: "s1")?.rawValue == "session.recording")
    }

    @Test func theFirstFinalStateStays() {
        let t = SessionStateTracker(capacity: 10)
        #expect(!t.observe(event("session.completed")))
        #expect(!t.observe(event("session.failed")))
        #expect(t.state(provider: "recall", session: "s1")?.rawValue == "session.completed")
    }

    @Test func eventsOutsideTheLifecycleOrWithoutSessionAreNeverStale() {
        let t = SessionStateTracker(capacity: 10)
        _ = t.observe(event("session.completed"))
        #expect(!t.observe(event("transcript.ready")))
        var e = event("session.joining")
        e.session = nil
        #expect(!t.observe(e))
        #expect(!t.observe(event("session.joining", provider: "retell")))
        #expect(!t.observe(event("session.joining", session: "s2")))
    }

    @Test func staysWithinCapacityForgettingTheLeastRecentlySeen() {
        let t = SessionStateTracker(capacity: 100)
        _ = t.observe(event("session.completed", session: "keep"))
        for i in 0..<1_000 {
            _ = t.observe(event("session.joining", session: "s\(i)"))
            if i % 10 == 0 { _ = t.observe(event("session.completed", session: "keep")) }
        }
        #expect(t.count <= 100)
        #expect(t.state(provider: "recall", session: "keep") != nil)
        #expect(t.state(provider: "recall", session: "s0") == nil)
    }

    @Test func concurrentObserversAgree() async {
        let t = SessionStateTracker(capacity: 1_000)
        await withTaskGroup(of: Void.self) { g in
            for w in 0..<4 {
                g.addTask {
                    for i in 0..<500 { _ = t.observe(self.event(i % 2 == 0 ? "session.recording" : "session.joining", session: "s\(i % 50)-\(w % 2)")) }
                }
            }
        }
        #expect(t.count == 100)
        #expect(t.state(provider: "recall", session: "s0-0")?.rawValue == "session.recording")
    }
}
