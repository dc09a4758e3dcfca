// The dedupe index catching up from the journal on open: keys whose commit never reached the dedupe
// log before a crash are restored from their events, with the events' receipt times; only the
// journal after the log's recorded position is read; logs without a position still load.

import Foundation
import GatewayCore
import Testing
@testable import GatewayStore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct DedupeCatchUpTests {
    let t0 = Timestamp(seconds: 1_800_000_000)

    func event(_ id: String, receivedAt: Timestamp) -> StoredEvent {
        StoredEvent(id: id, source: "s", provider: "p", type: "t", providerEvent: "pe", dedupeKey: id, receivedAt: receivedAt,
                    envelope: Array(#"{"id":"\#(id)"}"#.utf8))
    }

    /// What the ingest path does with a new webhook: claim, journal, commit at the record's position.
    func accept(_ id: String, at time: Timestamp, index: DedupeIndex, journal: Journal) throws {
        #expect(index.claim(DedupeKey(id), now: time) == .new)
        let e = event(id, receivedAt: time)
        let position = try journal.appendAndWait(e.encoded(), event: e).get()
        index.commit(DedupeKey(id), at: position)
    }

    func logPath(_ dir: TemporaryDirectory) -> String { StorageLayout.dedupeDirectory(dir.path) + "/dedupe.log" }

    func fields(_ log: RecordingLogHandler) throws -> [String: String] {
        try #require(log.fields(of: "dedupe keys recovered from the journal").first)
    }

    @Test func keyCommittedButNotYetInTheLogBeforeACrashIsStillADuplicate() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always), logger: .silent)
            let index = try DedupeIndex(directory: dir.path, journal: journal, logger: .silent, now: t0)
            try accept("evt_flushed", at: t0, index: index, journal: journal)
            index.flush()
            // The log as a kill -9 right after the next 2xx leaves it: that commit is still buffered.
            let atCrash = try #require(FileManager.default.contents(atPath: logPath(dir)))
            try accept("evt_acked_before_crash", at: t0.adding(seconds: 1), index: index, journal: journal)
            index.close()
            journal.close()
            try atCrash.write(to: URL(fileURLWithPath: logPath(dir)))
        }

        let (logger, log) = recordingLogger()
        let journal = try Journal(directory: dir.path, logger: .silent)
        defer { journal.close() }
        let index = try DedupeIndex(directory: dir.path, journal: journal, logger: logger, now: t0.adding(seconds: 2))
        defer { index.close() }
        #expect(index.claim(DedupeKey("evt_acked_before_crash"), now: t0.adding(seconds: 2)) == .duplicate)
        #expect(index.claim(DedupeKey("evt_flushed"), now: t0.adding(seconds: 2)) == .duplicate)
        #expect(index.claim(DedupeKey("evt_never_seen"), now: t0.adding(seconds: 2)) == .new)
        let f = try fields(log)
        #expect(f["recovered"] == "1")
        #expect(f["records_read"] == "2", "read from the flushed key's record on, not from the journal's start")
    }

    @Test func recoveredKeysExpireAWindowAfterTheirEventWasReceived() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            // The journal gets an event whose key never reaches the log, as in a crash.
            let journal = try Journal(directory: dir.path, logger: .silent)
            let index = try DedupeIndex(directory: dir.path, journal: journal, window: 3600, logger: .silent, now: t0)
            let e = event("evt_lost", receivedAt: t0.adding(seconds: 10))
            _ = try journal.appendAndWait(e.encoded()).get()
            index.close()
            journal.close()
        }
        let stillInWindow = try openIndex(dir, window: 3600, logger: .silent, now: t0.adding(seconds: 3600))
        #expect(stillInWindow.claim(DedupeKey("evt_lost"), now: t0.adding(seconds: 3609)) == .duplicate)
        #expect(stillInWindow.claim(DedupeKey("evt_lost"), now: t0.adding(seconds: 3611)) == .new)
        stillInWindow.close()
    }

    @Test func keysRecoveredOnOpenAreWrittenToTheLog() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            let journal = try Journal(directory: dir.path, logger: .silent)
            let index = try DedupeIndex(directory: dir.path, journal: journal, logger: .silent, now: t0)
            _ = try journal.appendAndWait(event("evt_lost", receivedAt: t0).encoded()).get()
            index.close()
            journal.close()
        }
        // The first reopen recovers the key and records it in the log with the journal's end...
        try openIndex(dir, logger: .silent, now: t0.adding(seconds: 1)).close()
        // ...so the next one finds it in the log and reads nothing from the journal.
        let (logger, log) = recordingLogger()
        let index = try openIndex(dir, logger: logger, now: t0.adding(seconds: 2))
        defer { index.close() }
        #expect(index.claim(DedupeKey("evt_lost"), now: t0.adding(seconds: 2)) == .duplicate)
        #expect(try fields(log)["records_read"] == "0")
    }

    /// A first start has no log position and an empty journal: nothing was recovered, so nothing
    /// is said (a line about "segments modified since" read oddly on a fresh install).
    @Test func aFirstStartLogsNoCatchUp() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (logger, log) = recordingLogger()
        try openIndex(dir, logger: logger, now: t0).close()
        #expect(log.fields(of: "dedupe keys recovered from the journal").isEmpty)
    }

    @Test func damagedAndUndecodableJournalRecordsAreSkipped() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var damaged = JournalPosition(segment: 0, offset: 0)
        do {
            let journal = try Journal(directory: dir.path, logger: .silent)
            let index = try DedupeIndex(directory: dir.path, journal: journal, logger: .silent, now: t0)
            _ = try journal.appendAndWait(event("evt_before", receivedAt: t0).encoded()).get()
            damaged = try journal.appendAndWait(event("evt_damaged", receivedAt: t0).encoded()).get()
            _ = try journal.appendAndWait(bytes("not a stored event")).get()
            _ = try journal.appendAndWait(event("evt_after", receivedAt: t0).encoded()).get()
            index.close()
            journal.close()
        }
        let segment = StorageLayout.journalDirectory(dir.path) + "/" + SegmentFile.name(damaged.segment)
        let file = try FileDescriptor(path: segment, flags: O_RDWR)
        try file.write([0xFF, 0xFF], at: damaged.offset + UInt64(RecordFrame.headerSize) + 10)

        let (logger, log) = recordingLogger()
        let index = try openIndex(dir, logger: logger, now: t0.adding(seconds: 1))
        defer { index.close() }
        #expect(index.claim(DedupeKey("evt_before"), now: t0.adding(seconds: 1)) == .duplicate)
        #expect(index.claim(DedupeKey("evt_after"), now: t0.adding(seconds: 1)) == .duplicate)
        #expect(index.claim(DedupeKey("evt_damaged"), now: t0.adding(seconds: 1)) == .new)
        #expect(log.messages.contains("undecodable journal record skipped by the dedupe catch-up"))
        #expect(try fields(log)["recovered"] == "2")
    }
}

/// Logs written before position records: they load, and the catch-up starts from the segments
/// modified since their newest key. These use the real time, since segment files carry it.
extension DedupeCatchUpTests {
    /// Writes `dedupe.log` as the previous version did: version 2 key records, no position.
    func writeUnpositionedLog(_ dir: TemporaryDirectory, keys: [(String, Timestamp)]) throws {
        let directory = StorageLayout.dedupeDirectory(dir.path)
        try FileSystem.createDirectory(directory)
        var file: [UInt8] = []
        for (key, time) in keys {
            RecordFrame.append(DedupeLog.encode(DedupeLog.Record(time: time, key: DedupeKey(key))), to: &file)
        }
        try FileSystem.replaceAtomically(directory + "/dedupe.log", with: file, directory: directory)
    }

    @Test func logWithoutAPositionLoadsAndCatchesUpFromItsNewestKey() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let now = Timestamp.now()
        do {
            let journal = try Journal(directory: dir.path, logger: .silent)
            for i in 0..<3 { _ = try journal.appendAndWait(event("evt_logged\(i)", receivedAt: now.adding(seconds: Double(i - 10))).encoded()).get() }
            _ = try journal.appendAndWait(event("evt_unlogged", receivedAt: now.adding(seconds: -5)).encoded()).get()
            journal.close()
        }
        try writeUnpositionedLog(dir, keys: (0..<3).map { ("evt_logged\($0)", now.adding(seconds: Double($0 - 10))) })

        let (logger, log) = recordingLogger()
        let index = try openIndex(dir, logger: logger, now: now)
        #expect(index.count == 4)
        #expect(index.claim(DedupeKey("evt_logged1"), now: now) == .duplicate)
        #expect(index.claim(DedupeKey("evt_unlogged"), now: now) == .duplicate)
        let f = try fields(log)
        #expect(f["recovered"] == "1")
        #expect(f["log_position"]?.hasPrefix("none recorded") == true)
        index.close()
        #expect(try DedupeLog.load(directory: StorageLayout.dedupeDirectory(dir.path), logger: .silent).resume != nil,
                "the rewrite on open records the position")
    }

    @Test func withoutAPositionSegmentsModifiedBeforeTheNewestKeyAreNotRead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let now = Timestamp.now()
        do {
            // Two segments: the first with an event the log lacks, last modified two hours ago.
            let old = event("evt_old_segment", receivedAt: now.adding(seconds: -7200)).encoded()
            let segmentSize = Int(SegmentFile.headerSize) + RecordFrame.headerSize + old.count + 1
            let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never, segmentSize: segmentSize), logger: .silent)
            _ = try journal.appendAndWait(old).get()
            _ = try journal.appendAndWait(event("evt_logged", receivedAt: now.adding(seconds: -10)).encoded()).get()
            #expect(journal.segmentNumbers.count == 2)
            journal.close()
        }
        let first = StorageLayout.journalDirectory(dir.path) + "/" + SegmentFile.name(1)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: first)
        try writeUnpositionedLog(dir, keys: [("evt_logged", now.adding(seconds: -10))])

        let (logger, log) = recordingLogger()
        let index = try openIndex(dir, logger: logger, now: now)
        defer { index.close() }
        #expect(try fields(log)["records_read"] == "1")
        #expect(index.claim(DedupeKey("evt_old_segment"), now: now) == .new)
    }

    @Test func missingLogIsRebuiltFromTheWindowsJournal() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let now = Timestamp.now()
        do {
            let journal = try Journal(directory: dir.path, logger: .silent)
            _ = try journal.appendAndWait(event("evt_expired", receivedAt: now.adding(seconds: -3700)).encoded()).get()
            _ = try journal.appendAndWait(event("evt_recent", receivedAt: now.adding(seconds: -60)).encoded()).get()
            journal.close()
        }
        let index = try openIndex(dir, window: 3600, logger: .silent, now: now)
        defer { index.close() }
        #expect(index.count == 1)
        #expect(index.claim(DedupeKey("evt_recent"), now: now) == .duplicate)
        #expect(index.claim(DedupeKey("evt_expired"), now: now) == .new)
    }
}
