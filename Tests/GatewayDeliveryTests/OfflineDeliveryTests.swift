// The CLI operations on a stopped gateway's storage, and their refusal while it runs.

import Foundation
import GatewayCore
import GatewayStore
import Synchronization
import Testing
@testable import GatewayDelivery

@Test func offlineDeadLetterRetryIsDeliveredByTheNextEngine() throws {
    let h = try Harness()
    defer { h.close() }
    let rejecting = ScriptedSink { _, _ in .permanent(reason: "HTTP 422") }
    var engine = try h.engine([ConfiguredSink(sink: rejecting)])
    engine.start()
    for i in 0..<3 { append(h.journal, makeEvent("o\(i)")) }
    #expect(eventually { (try? engine.deadLetters(sink: "test").count) == 3 })
    engine.stop()

    let listed = try OfflineDelivery.deadLetters(storageDirectory: h.directory, sink: "test")
    #expect(listed.map(\.eventID).sorted() == ["o0", "o1", "o2"])
    #expect(listed.allSatisfy { $0.lastStatus == 422 && $0.attempts == 1 })
    let o0 = try #require(listed.first { $0.eventID == "o0" })
    let dropped = try OfflineDelivery.dropDeadLetters(storageDirectory: h.directory, sink: "test", ids: [o0.sequence])
    #expect(dropped.map(\.eventID) == ["o0"])
    let retried = try OfflineDelivery.retryDeadLetters(storageDirectory: h.directory, sink: "test")
    #expect(retried.map(\.eventID).sorted() == ["o1", "o2"])
    #expect(try OfflineDelivery.deadLetters(storageDirectory: h.directory, sink: "test").isEmpty)

    let fixed = ScriptedSink()
    engine = try h.engine([ConfiguredSink(sink: fixed)])
    engine.start()
    #expect(eventually { fixed.delivered.count == 2 })
    usleep(100_000)
    engine.stop()
    #expect(fixed.delivered.sorted() == ["o1", "o2"])
}

@Test func offlineReplayRequeuesOnlyWhatTheSinkAlreadyPassed() throws {
    let h = try Harness()
    defer { h.close() }
    let sink = ScriptedSink()
    var engine = try h.engine([ConfiguredSink(sink: sink)])
    engine.start()
    let t = Timestamp.now()
    append(h.journal, makeEvent("old", type: "session.completed", receivedAt: t.adding(seconds: -100)))
    append(h.journal, makeEvent("new", type: "session.completed", receivedAt: t))
    append(h.journal, makeEvent("other", type: "chat.message", receivedAt: t))
    #expect(eventually { sink.delivered.count == 3 })
    engine.stop()

    let n = try OfflineDelivery.replay(storageDirectory: h.directory, sink: "test",
                                       filter: ReplayFilter(from: t.adding(seconds: -10), types: ["session.*"]))
    #expect(n == 1)
    let again = ScriptedSink()
    engine = try h.engine([ConfiguredSink(sink: again)])
    engine.start()
    #expect(eventually { again.delivered == ["new"] })
    engine.stop()
}

@Test func offlineOperationsRefuseALockedStorageAndUnknownSinks() throws {
    let h = try Harness()
    defer { h.close() }
    let engine = try h.engine([ConfiguredSink(sink: ScriptedSink())])
    engine.stop()
    #expect(throws: DeliveryError.self) { try OfflineDelivery.deadLetters(storageDirectory: h.directory, sink: "typo") }
    let lock = try StorageLock(directory: h.directory)
    defer { lock.release() }
    do {
        _ = try OfflineDelivery.deadLetters(storageDirectory: h.directory, sink: "test")
        Issue.record("expected the storage lock to be refused")
    } catch {
        guard case .storage(.locked) = error else { Issue.record("unexpected \(error)"); return }
    }
}
