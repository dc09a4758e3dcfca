// Event types compare and hash by their place in the vocabulary (`ordinal`), not their names: the
// two must agree.

import Testing
import GatewayCore

@Suite struct EventTypeTests {
    @Test func everyNameRoundTripsAndOnlyEqualNamesAreEqual() throws {
        let all = try EventType.vocabulary.map { try #require(EventType(rawValue: $0)) }
        #expect(all.map(\.rawValue) == EventType.vocabulary)
        #expect(all.map(\.ordinal) == Array(EventType.vocabulary.indices))
        #expect(Set(all).count == EventType.vocabulary.count)
        for (i, a) in all.enumerated() {
            for (j, b) in all.enumerated() { #expect((a == b) == (i == j), "\(a) \(b)") }
        }
        #expect(EventType(rawValue: "session.completed") == EventType(rawValue: String("session.") + "completed"))
        #expect(EventType.unknown.rawValue == "provider.unknown")
    }

    @Test func namesOutsideTheVocabularyAreRefused() {
        for name in ["", "session", "session.Completed", "session.completed ", "provider.unknownx"] {
            #expect(EventType(rawValue: name) == nil, "\(name)")
        }
    }
}
