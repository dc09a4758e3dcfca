// The file sink (JSON lines, rotation by size and time, concurrent writers) and the stdout sink.

import Foundation
import GatewayCore
import GatewayStore
import Synchronization
import Testing
@testable import GatewayDelivery

func lines(_ path: String) -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

@Test func fileSinkWritesOneEnvelopePerLine() throws {
    let dir = temporaryDirectory()
    defer { removeDirectory(dir) }
    let sink = FileSink(name: "f", path: dir + "/sub/events.jsonl")
    var event = makeEvent("f1")
    event.envelope = Array("{\n  \"id\": \"f1\"\n}".utf8)  // pretty-printed input still becomes one line
    #expect(sink.deliver(event) == .delivered(status: nil))
    let second = makeEvent("f2")
    #expect(sink.deliver(second) == .delivered(status: nil))
    sink.close()
    let written = lines(dir + "/sub/events.jsonl")
    #expect(written.count == 2)
    #expect(written[0] == "{   \"id\": \"f1\" }")
    #expect(written[1] == String(decoding: second.envelope, as: UTF8.self))
}

@Test func fileSinkRotatesBySize() throws {
    let dir = temporaryDirectory()
    defer { removeDirectory(dir) }
    let lineLength = makeEvent("e00").envelope.count + 1
    let sink = FileSink(name: "f", path: dir + "/events.jsonl", rotation: FileRotation(maxSize: lineLength * 3))
    for i in 0..<10 { #expect(sink.deliver(makeEvent(String(format: "e%02d", i))) == .delivered(status: nil)) }
    let rotated = sink.rotatedFiles()
    sink.close()
    #expect(rotated.count == 3)
    var all: [String] = []
    for file in rotated + [dir + "/events.jsonl"] {
        let l = lines(file)
        #expect(l.count <= 3)
        all += l
    }
    // Nothing lost, nothing split, order kept across files.
    #expect(all.count == 10)
    #expect(all.map { try! JSON.parse($0)["id"]!.stringValue! } == (0..<10).map { String(format: "e%02d", $0) })
}

@Test func fileSinkRotatesWhenANewPeriodStarts() throws {
    let dir = temporaryDirectory()
    defer { removeDirectory(dir) }
    let clock = ManualClock(Timestamp(seconds: 1_700_000_000 / 3600 * 3600 + 10))
    let sink = FileSink(name: "f", path: dir + "/events.jsonl", rotation: FileRotation(every: 3600), clock: clock)
    _ = sink.deliver(makeEvent("h1"))
    clock.advance(1800)
    _ = sink.deliver(makeEvent("h1b"))
    #expect(sink.rotatedFiles().isEmpty)
    clock.advance(1800)  // the next hour
    _ = sink.deliver(makeEvent("h2"))
    let rotated = sink.rotatedFiles()
    sink.close()
    #expect(rotated.count == 1)
    #expect(lines(rotated[0]).count == 2)
    #expect(lines(dir + "/events.jsonl").count == 1)
}

@Test func fileSinkGroupsConcurrentWritersWithoutLosingLines() throws {
    let dir = temporaryDirectory()
    defer { removeDirectory(dir) }
    let sink = FileSink(name: "f", path: dir + "/events.jsonl")
    let outcomes = Mutex<[DeliveryOutcome]>([])
    DispatchQueue.concurrentPerform(iterations: 200) { i in
        let o = sink.deliver(makeEvent("c\(i)"))
        outcomes.withLock { $0.append(o) }
    }
    sink.close()
    #expect(outcomes.withLock { $0 }.allSatisfy { $0 == .delivered(status: nil) })
    let ids = lines(dir + "/events.jsonl").map { try! JSON.parse($0)["id"]!.stringValue! }
    #expect(Set(ids) == Set((0..<200).map { "c\($0)" }) && ids.count == 200)
    #expect(sink.deliver(makeEvent("late")) == .retry(reason: "file sink is closed", after: nil))
}

@Test func fileSinkKeepsEachConcurrentBatchWholeAndInOrder() throws {
    let dir = temporaryDirectory()
    defer { removeDirectory(dir) }
    let sink = FileSink(name: "f", path: dir + "/events.jsonl")
    let outcomes = Mutex<[DeliveryOutcome]>([])
    DispatchQueue.concurrentPerform(iterations: 60) { i in
        let o = sink.deliver(batch: (0..<4).map { makeEvent("b\(i)-\($0)") })
        outcomes.withLock { $0.append(contentsOf: o) }
    }
    sink.close()
    #expect(outcomes.withLock { $0.count } == 240)
    #expect(outcomes.withLock { $0 }.allSatisfy { $0 == .delivered(status: nil) })
    let ids = lines(dir + "/events.jsonl").map { try! JSON.parse($0)["id"]!.stringValue! }
    #expect(ids.count == 240)
    // Whoever leads writes the callers' batches one after another, never interleaved.
    for start in stride(from: 0, to: ids.count, by: 4) {
        let caller = ids[start].split(separator: "-")[0]
        #expect(ids[start..<start + 4] == ArraySlice((0..<4).map { "\(caller)-\($0)" }))
    }
}

@Test func fileSinkReportsUnwritablePathsAsRetry() {
    let sink = FileSink(name: "f", path: "/proc/nope/events.jsonl")
    guard case .retry(let reason, _) = sink.deliver(makeEvent("x")) else { Issue.record("expected retry"); return }
    #expect(reason.contains("/proc/nope/events.jsonl"))
}

@Test func stdoutTextLineNamesTimeTypeSessionProviderAndID() {
    var event = makeEvent("evt_9", session: "bot\u{1B}[31m", type: "session.completed", receivedAt: Timestamp(seconds: 1_731_705_121))
    let text = String(decoding: StdoutSink.line(for: event, format: .text), as: UTF8.self)
    #expect(text == "2024-11-15T21:12:01.000Z session.completed bot?[31m recall evt_9\n")
    event.sessionID = nil
    event.occurredAt = Timestamp(seconds: 0)
    #expect(String(decoding: StdoutSink.line(for: event, format: .text), as: UTF8.self) == "1970-01-01T00:00:00.000Z session.completed - recall evt_9\n")
}

@Test func stdoutJSONLineIsTheEnvelope() {
    let captured = Mutex<[[UInt8]]>([])
    let sink = StdoutSink(name: "out", format: .json) { line in captured.withLock { $0.append(line) }; return true }
    let event = makeEvent("j1")
    #expect(sink.deliver(event) == .delivered(status: nil))
    #expect(captured.withLock { $0 } == [event.envelope + [0x0A]])
    let failing = StdoutSink(name: "out", format: .json) { _ in false }
    #expect(failing.deliver(event) == .retry(reason: "writing to stdout failed", after: nil))
}

@Test func jsonLinesKeepEveryEnvelopeOnOneLine() {
    #expect(JSONLines.line(Array(#"{"a":"b"}"#.utf8)) == Array("{\"a\":\"b\"}\n".utf8))
    // A pretty-printed vendor body spliced as data.raw: its CR/LF become spaces, the JSON stays equal.
    #expect(JSONLines.line(Array("{\"raw\":{\r\n  \"a\": 1\n}}".utf8)) == Array("{\"raw\":{    \"a\": 1 }}\n".utf8))
    #expect(JSONLines.line([]) == [0x0A])
}

@Test func stdoutBatchIsOneWriteWithOneLinePerEvent() {
    let captured = Mutex<[[UInt8]]>([])
    let sink = StdoutSink(name: "out", format: .json) { bytes in captured.withLock { $0.append(bytes) }; return true }
    let events = (0..<3).map { makeEvent("b\($0)") }
    #expect(sink.deliver(batch: events) == Array(repeating: .delivered(status: nil), count: 3))
    #expect(captured.withLock { $0 } == [events.flatMap { $0.envelope + [0x0A] }])
}

@Test func fileSinkWithoutFsyncStillWritesEveryLineBeforeReportingDelivered() throws {
    let dir = temporaryDirectory()
    defer { removeDirectory(dir) }
    let sink = FileSink(name: "f", path: dir + "/events.jsonl", fsync: false)
    for i in 0..<5 { #expect(sink.deliver(makeEvent("n\(i)")) == .delivered(status: nil)) }
    // Read before close: the lines are in the file (the kernel's page cache) once delivered.
    #expect(lines(dir + "/events.jsonl").count == 5)
    sink.close()
}
