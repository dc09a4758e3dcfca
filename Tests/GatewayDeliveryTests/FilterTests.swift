// Globs and sink filters.

import Testing
@testable import GatewayDelivery

@Test func globMatchesStarsAndQuestionMarks() {
    #expect(Glob("session.*").matches("session.completed"))
    #expect(Glob("session.*").matches("session."))
    #expect(!Glob("session.*").matches("transcript.ready"))
    #expect(Glob("*.ready").matches("recording.ready"))
    #expect(Glob("transcript.?artial").matches("transcript.partial"))
    #expect(!Glob("transcript.?artial").matches("transcript.artial"))
    #expect(Glob("*").matches(""))
    #expect(Glob("a*b*c").matches("aXXbYYc"))
    #expect(!Glob("a*b*c").matches("aXXbYY"))
    #expect(Glob("exact").matches("exact"))
    #expect(!Glob("exact").matches("exactly"))
}

@Test func globWithManyStarsDoesNotBlowUp() {
    let text = String(repeating: "a", count: 5000)
    #expect(!Glob("*a*a*a*a*a*a*a*a*b").matches(text))
}

@Test func emptyFilterAcceptsEverything() {
    #expect(EventFilter.all.matches(provider: "recall", source: "/sources/recall", type: "x", session: nil))
}

@Test func filterAxesAreCombinedWithAnd() {
    let f = EventFilter(providers: ["recall", "retell"], types: ["session.*"])
    #expect(f.matches(provider: "recall", source: "s", type: "session.joined", session: nil))
    #expect(!f.matches(provider: "recall", source: "s", type: "transcript.ready", session: nil))
    #expect(!f.matches(provider: "meetingbaas", source: "s", type: "session.joined", session: nil))
}

@Test func sourceFilterAcceptsNameOrCloudEventsPath() {
    let f = EventFilter(sources: ["recall-eu"])
    #expect(f.matches(provider: "recall", source: "/sources/recall-eu", type: "t", session: nil))
    #expect(f.matches(provider: "recall", source: "recall-eu", type: "t", session: nil))
    #expect(!f.matches(provider: "recall", source: "/sources/recall", type: "t", session: nil))
}

@Test func sessionFilterRejectsEventsWithoutSession() {
    let f = EventFilter(sessions: ["bot-1"])
    #expect(f.matches(provider: "p", source: "s", type: "t", session: "bot-1"))
    #expect(!f.matches(provider: "p", source: "s", type: "t", session: "bot-2"))
    #expect(!f.matches(provider: "p", source: "s", type: "t", session: nil))
}
