// The running sink set changed in place (what a configuration reload asks for): kept sinks are
// untouched, a changed one continues from its cursor with its state, a new one starts at the
// journal's end, a removed one stops with its state left on disk, and a sink that cannot open
// changes nothing.

import Foundation
import GatewayCore
import GatewayStore
import Synchronization
import Testing
@testable import GatewayDelivery

@Test func aChangedSinkContinuesFromItsCursorWithItsRetriesAndDeadLetters() throws {
    let h = try Harness()
    defer { h.close() }
    // "stuck" keeps failing, so the cursor stays before it while later sessions are delivered.
    let old = ScriptedSink(name: "app") { id, _ in
        switch id {
        case "stuck": .retry(reason: "HTTP 503", after: nil)
        case "bad": .permanent(reason: "HTTP 400")
        default: .delivered(status: 200)
        }
    }
    let kept = ScriptedSink(name: "kept")
    let engine = try h.engine([ConfiguredSink(sink: old, retry: fastRetry([0.05, 0.3])), ConfiguredSink(sink: kept)])
    engine.start()
    defer { engine.stop() }
    for (n, id) in ["stuck", "a", "bad", "b"].enumerated() { append(h.journal, makeEvent(id, session: "s\(n)")) }
    // a and b are in different sessions: the sink's four workers may deliver them in either order.
    #expect(eventually { old.delivered.sorted() == ["a", "b"] && old.attempts.filter { $0 == "stuck" }.count == 2 })
    #expect(try engine.deadLetters(sink: "app").map(\.eventID) == ["bad"])

    // The new settings take over the retry where it stands: its next attempt, 0.3 s after the
    // second failure, goes to the new sink.
    let new = ScriptedSink(name: "app")
    try engine.reconfigure([.run(ConfiguredSink(sink: new, retry: fastRetry([0.05, 0.3]))), .keep("kept")])
    append(h.journal, makeEvent("c", session: "s9"))
    #expect(eventually { new.delivered.sorted() == ["c", "stuck"] })
    #expect(eventually { kept.delivered.count == 5 })
    usleep(100_000)
    // Nothing the old sink acknowledged went out again; the dead letter and the attempt count stayed.
    #expect(new.delivered.sorted() == ["c", "stuck"])
    #expect(try engine.deadLetters(sink: "app").map(\.eventID) == ["bad"])
    #expect(kept.delivered.sorted() == ["a", "b", "bad", "c", "stuck"], "the kept sink was not restarted")
    #expect(engine.sinkNames == ["app", "kept"])
}

@Test func anAddedSinkStartsAtTheJournalEndAndARemovedOneResumesWhenAddedBack() throws {
    let h = try Harness()
    defer { h.close() }
    let base = ScriptedSink(name: "base")
    let engine = try h.engine([ConfiguredSink(sink: base)])
    engine.start()
    defer { engine.stop() }
    append(h.journal, makeEvent("before"))
    let added = ScriptedSink(name: "added")
    try engine.reconfigure([.keep("base"), .run(ConfiguredSink(sink: added))])
    append(h.journal, makeEvent("after"))
    #expect(eventually { added.delivered == ["after"] && base.delivered == ["before", "after"] })

    try engine.reconfigure([.keep("base")])
    #expect(engine.sinkNames == ["base"])
    append(h.journal, makeEvent("while-removed"))
    #expect(eventually { base.delivered.count == 3 })
    let back = ScriptedSink(name: "added")
    try engine.reconfigure([.keep("base"), .run(ConfiguredSink(sink: back))])
    #expect(eventually { back.delivered == ["while-removed"] }, "it resumes from its own cursor")
}

@Test func aSinkThatCannotOpenLeavesTheRunningSinksAsTheyWere() throws {
    let h = try Harness()
    defer { h.close() }
    let running = ScriptedSink(name: "running")
    let engine = try h.engine([ConfiguredSink(sink: running)])
    engine.start()
    defer { engine.stop() }
    _ = FileManager.default.createFile(atPath: h.directory + "/file", contents: nil)
    let broken = FileSink(name: "broken", path: h.directory + "/file/events.jsonl")
    #expect(throws: DeliveryError.self) {
        try engine.reconfigure([.run(ConfiguredSink(sink: ScriptedSink(name: "running"))), .run(ConfiguredSink(sink: broken))])
    }
    append(h.journal, makeEvent("e"))
    #expect(eventually { running.delivered == ["e"] })
    #expect(engine.sinkNames == ["running"])
    #expect(!FileManager.default.fileExists(atPath: h.directory + "/sinks/broken"))
    // At startup the same sink fails the engine, naming the sink and the cause.
    do {
        _ = try h.engine([ConfiguredSink(sink: FileSink(name: "broken", path: h.directory + "/file/events.jsonl"))])
        Issue.record("expected the engine to refuse the sink")
    } catch {
        #expect("\(error)".contains("sink 'broken' cannot start") && "\(error)".contains("Not a directory"))
    }
}
