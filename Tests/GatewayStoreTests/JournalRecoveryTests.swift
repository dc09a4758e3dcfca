// Opening a damaged journal: torn tails are truncated, corrupt records in the middle are reported
// with segment and offset and skipped while their neighbours stay readable.

import Foundation
import GatewayCore
import Testing
@testable import GatewayStore

@Suite struct JournalRecoveryTests {
    static func segmentPath(_ dir: TemporaryDirectory, _ n: UInt64 = 1) -> String {
        dir.path + "/journal/" + SegmentFile.name(n)
    }

    static func appendRaw(_ bytes: [UInt8], to path: String) throws {
        let h = try #require(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        h.write(Data(bytes))
        h.closeFile()
    }

    static func overwrite(_ path: String, at offset: UInt64, _ bytes: [UInt8]) throws {
        let h = try #require(FileHandle(forUpdatingAtPath: path))
        h.seek(toFileOffset: offset)
        h.write(Data(bytes))
        h.closeFile()
    }

    static func fileSize(_ path: String) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as! NSNumber).uint64Value
    }

    /// Writes `count` records "record i", closes, returns their positions and the end.
    static func populate(_ dir: TemporaryDirectory, count: Int = 5) throws -> ([JournalPosition], JournalPosition) {
        let journal = try Journal(directory: dir.path, logger: .silent)
        defer { journal.close() }
        let positions = try (0..<count).map { try journal.appendAndWait(bytes("record \($0)")).get() }
        return (positions, journal.end)
    }

    static func payloads(_ n: [Int]) -> [[UInt8]] { n.map { bytes("record \($0)") } }

    @Test(arguments: ["half a record", "garbage", "zeros", "header only"])
    func tornTailIsTruncatedOnOpen(kind: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (_, end) = try JournalRecoveryTests.populate(dir)
        let path = JournalRecoveryTests.segmentPath(dir)
        var tail: [UInt8] = []
        switch kind {
        case "half a record":
            RecordFrame.append([UInt8](repeating: 0x41, count: 100), to: &tail)
            tail.removeLast(60)
        case "garbage":
            tail = (0..<333).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 17) }
        case "zeros":
            tail = [UInt8](repeating: 0, count: 4096)
        default:
            tail = [10, 0, 0]
        }
        try JournalRecoveryTests.appendRaw(tail, to: path)
        let (logger, log) = recordingLogger()
        let journal = try Journal(directory: dir.path, logger: logger)
        defer { journal.close() }
        #expect(try JournalRecoveryTests.fileSize(path) == end.offset)
        #expect(journal.end == end)
        // A zero-filled end is what a prepared segment's unused space looks like: released quietly.
        #expect(log.messages.contains(kind == "zeros" ? "releasing the unused end of the journal segment" : "truncating torn tail of journal segment"))
        #expect(log.messages.contains("truncating torn tail of journal segment") == (kind != "zeros"))
        #expect(try journal.read(after: nil, limit: 10).map(\.payload) == JournalRecoveryTests.payloads(Array(0..<5)))
        #expect(try journal.appendAndWait(bytes("next")).get() == end)
    }

    @Test func lastRecordWithBadCRCIsTreatedAsTornAndTruncated() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (positions, _) = try JournalRecoveryTests.populate(dir)
        let path = JournalRecoveryTests.segmentPath(dir)
        try JournalRecoveryTests.overwrite(path, at: positions[4].offset + 8, [0x58])
        let journal = try Journal(directory: dir.path, logger: .silent)
        defer { journal.close() }
        #expect(try journal.read(after: nil, limit: 10).map(\.payload) == JournalRecoveryTests.payloads(Array(0..<4)))
        #expect(journal.end == positions[4])
    }

    @Test(arguments: ["payload", "length"])
    func corruptMiddleRecordIsReportedAndSkippedKeepingNeighbours(damage: String) throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (positions, end) = try JournalRecoveryTests.populate(dir)
        let path = JournalRecoveryTests.segmentPath(dir)
        // "payload": the CRC fails but the length is intact; "length": the frame length is garbage,
        // so the scanner has to find the next record byte by byte.
        let at = positions[2].offset + (damage == "payload" ? 9 : 1)
        try JournalRecoveryTests.overwrite(path, at: at, [0x77])
        let (logger, log) = recordingLogger()
        let journal = try Journal(directory: dir.path, logger: logger)
        defer { journal.close() }
        #expect(journal.end == end, "a middle corruption must not truncate")
        let reports = log.fields(of: "corrupt journal record skipped")
        #expect(reports.count == 1)
        #expect(reports.first?["segment"] == "1")
        #expect(reports.first?["offset"] == String(positions[2].offset))
        let read = try journal.read(after: nil, limit: 10)
        #expect(read.map(\.payload) == JournalRecoveryTests.payloads([0, 1, 3, 4]))
        #expect(read.map(\.position) == [positions[0], positions[1], positions[3], positions[4]])
        #expect(throws: StoreError.self) { try journal.read(at: positions[2]) }
    }

    @Test func corruptionInASealedSegmentIsFoundWhenReadAndReportedOnce() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var positions: [JournalPosition] = []
        do {
            let journal = try Journal(directory: dir.path, options: JournalOptions(segmentSize: 256), logger: .silent)
            positions = try (0..<12).map { try journal.appendAndWait(bytes("record \($0) " + String(repeating: "x", count: 40))).get() }
            journal.close()
        }
        let victim = positions.firstIndex { $0.segment == positions[0].segment && $0 != positions[0] }!
        try JournalRecoveryTests.overwrite(JournalRecoveryTests.segmentPath(dir, positions[victim].segment), at: positions[victim].offset + 10, [0])
        let (logger, log) = recordingLogger()
        let journal = try Journal(directory: dir.path, options: JournalOptions(segmentSize: 256), logger: logger)
        defer { journal.close() }
        #expect(log.fields(of: "corrupt journal record skipped").isEmpty, "older segments are checked lazily")
        let first = try journal.read(after: nil, limit: 100)
        let second = try journal.read(after: nil, limit: 100)
        #expect(first.count == 11 && first == second)
        #expect(!first.contains { $0.position == positions[victim] })
        #expect(log.fields(of: "corrupt journal record skipped").count == 1)
    }

    @Test func segmentWithBadHeaderIsSkippedAndWritingContinuesInANewOne() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        _ = try JournalRecoveryTests.populate(dir)
        try JournalRecoveryTests.overwrite(JournalRecoveryTests.segmentPath(dir), at: 0, bytes("NOTASEG!"))
        let (logger, log) = recordingLogger()
        let journal = try Journal(directory: dir.path, logger: logger)
        defer { journal.close() }
        #expect(log.messages.contains("journal segment has a bad header; its records are skipped"))
        #expect(journal.segmentNumbers == [2])
        #expect(try journal.appendAndWait(bytes("fresh")).get().segment == 2)
    }

    @Test func sealedSegmentWithBadHeaderIsReportedAndSkippedWhenRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var positions: [JournalPosition] = []
        do {
            let journal = try Journal(directory: dir.path, options: JournalOptions(segmentSize: 128), logger: .silent)
            positions = try (0..<6).map { try journal.appendAndWait(bytes("record \($0) " + String(repeating: "y", count: 60))).get() }
            journal.close()
        }
        #expect(Set(positions.map(\.segment)).count == 6)
        try JournalRecoveryTests.overwrite(JournalRecoveryTests.segmentPath(dir, positions[2].segment), at: 0, bytes("garbage!"))
        let (logger, log) = recordingLogger()
        let journal = try Journal(directory: dir.path, options: JournalOptions(segmentSize: 128), logger: logger)
        defer { journal.close() }
        let read = try journal.read(after: nil, limit: 10)
        #expect(read.map(\.position) == [positions[0], positions[1], positions[3], positions[4], positions[5]])
        let reports = log.fields(of: "corrupt journal record skipped")
        #expect(reports.count == 1 && reports.first?["segment"] == String(positions[2].segment) && reports.first?["reason"] == "bad segment header")
    }

    /// Damage one byte anywhere in one record (header or payload, first, middle or last record):
    /// after reopening, exactly that record is gone and every other one reads back. Deterministic
    /// pseudo-random positions so a failure reproduces.
    @Test func anySingleDamagedByteLosesExactlyItsRecord() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for trial in 0..<40 {
            let dir = TemporaryDirectory()
            defer { dir.remove() }
            let count = 12
            var positions: [JournalPosition] = []
            var ends: [JournalPosition] = []
            do {
                let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never), logger: .silent)
                for i in 0..<count {
                    positions.append(try journal.appendAndWait(bytes("event \(i) " + String(repeating: "z", count: next(200)))).get())
                    ends.append(journal.end)
                }
                journal.close()
            }
            let victim = next(count)
            let length = Int(ends[victim].offset - positions[victim].offset)
            let at = positions[victim].offset + UInt64(next(length))
            let path = JournalRecoveryTests.segmentPath(dir)
            let h = try #require(FileHandle(forUpdatingAtPath: path))
            h.seek(toFileOffset: at)
            let old = h.readData(ofLength: 1)[0]
            h.seek(toFileOffset: at)
            h.write(Data([old ^ UInt8(1 + next(255))]))
            h.closeFile()

            let journal = try Journal(directory: dir.path, logger: .silent)
            defer { journal.close() }
            let read = try journal.read(after: nil, limit: 100)
            let expected = (0..<count).filter { $0 != victim }
            #expect(read.map(\.position) == expected.map { positions[$0] }, "trial \(trial): byte \(at) of record \(victim)")
        }
    }
}
