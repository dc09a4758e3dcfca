// DedupeIndex: atomic claims, release after a failed append, window expiry with injected times,
// persistence across reopen, and the memory bound. The catch-up from the journal after a crash is
// in DedupeCatchUpTests.

import Dispatch
import GatewayCore
import Synchronization
import Testing
@testable import GatewayStore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct DedupeIndexTests {
    let t0 = Timestamp(seconds: 1_800_000_000)
    /// These tests commit keys whose events are not in the (empty) journal: where a commit's event
    /// lies matters only to the catch-up from the journal (DedupeCatchUpTests).
    static let somewhere = JournalPosition(segment: 1, offset: SegmentFile.headerSize)

    @Test func firstClaimIsNewThenInFlightThenDuplicateAfterCommit() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try openIndex(dir, logger: .silent, now: t0)
        defer { index.close() }
        #expect(index.claim(DedupeKey("k1"), now: t0) == .new)
        #expect(index.claim(DedupeKey("k1"), now: t0) == .inFlight)
        index.commit(DedupeKey("k1"), at: Self.somewhere)
        #expect(index.claim(DedupeKey("k1"), now: t0.adding(seconds: 1)) == .duplicate)
        #expect(index.claim(DedupeKey("k2"), now: t0) == .new)
    }

    @Test func releasedClaimCanBeClaimedAgain() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try openIndex(dir, logger: .silent, now: t0)
        defer { index.close() }
        #expect(index.claim(DedupeKey("k"), now: t0) == .new)
        index.release(DedupeKey("k"))
        #expect(index.claim(DedupeKey("k"), now: t0) == .new)
        index.commit(DedupeKey("k"), at: Self.somewhere)
        index.release(DedupeKey("k"))  // a committed key is not released
        #expect(index.claim(DedupeKey("k"), now: t0) == .duplicate)
    }

    @Test func concurrentClaimsOfOneKeyYieldExactlyOneNew() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try openIndex(dir, logger: .silent, now: t0)
        defer { index.close() }
        let news = Atomic<Int>(0)
        let now = t0
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            if index.claim(DedupeKey("same"), now: now) == .new { news.add(1, ordering: .relaxed) }
        }
        #expect(news.load(ordering: .relaxed) == 1)
    }

    @Test func keysExpireAfterTheWindow() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try openIndex(dir, window: 3600, logger: .silent, now: t0)
        defer { index.close() }
        #expect(index.claim(DedupeKey("old"), now: t0) == .new)
        index.commit(DedupeKey("old"), at: Self.somewhere)
        #expect(index.claim(DedupeKey("old"), now: t0.adding(seconds: 3599)) == .duplicate)
        #expect(index.claim(DedupeKey("old"), now: t0.adding(seconds: 3601)) == .new)
        #expect(index.count == 1)
    }

    @Test func committedKeysSurviveReopenAndExpiredOnesDoNot() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            let index = try openIndex(dir, window: 3600, logger: .silent, now: t0)
            for i in 0..<100 {
                #expect(index.claim(DedupeKey("k\(i)"), now: t0.adding(seconds: Double(i) * 60)) == .new)
                if i != 50 { index.commit(DedupeKey("k\(i)"), at: Self.somewhere) }  // k50's append "failed": never committed
            }
            index.close()
        }
        // Reopened 1 h after k40 was first seen: k0...k40 have expired.
        let reopenedAt = t0.adding(seconds: 40 * 60 + 3600)
        let index = try openIndex(dir, window: 3600, logger: .silent, now: reopenedAt)
        defer { index.close() }
        #expect(index.count == 58)
        #expect(index.claim(DedupeKey("k41"), now: reopenedAt) == .duplicate)
        #expect(index.claim(DedupeKey("k99"), now: reopenedAt) == .duplicate)
        #expect(index.claim(DedupeKey("k50"), now: reopenedAt) == .new)
        #expect(index.claim(DedupeKey("k40"), now: reopenedAt) == .new)
    }

    @Test func boundedByMaxEntriesEvictingOldestAndLogging() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (logger, log) = recordingLogger()
        let index = try openIndex(dir, maxEntries: 10, logger: logger, now: t0)
        defer { index.close() }
        for i in 0..<25 {
            _ = index.claim(DedupeKey("k\(i)"), now: t0.adding(seconds: Double(i)))
            index.commit(DedupeKey("k\(i)"), at: Self.somewhere)
        }
        #expect(index.count == 10)
        #expect(index.evictions == 15)
        #expect(index.claim(DedupeKey("k24"), now: t0.adding(seconds: 30)) == .duplicate)
        #expect(index.claim(DedupeKey("k0"), now: t0.adding(seconds: 30)) == .new)
        #expect(log.messages.contains("dedupe index full: evicting oldest keys before their window ends"))
        // The bound also holds on reopen, keeping the newest.
        index.close()
        let reopened = try openIndex(dir, maxEntries: 5, logger: .silent, now: t0.adding(seconds: 40))
        defer { reopened.close() }
        #expect(reopened.count == 5)
        #expect(reopened.claim(DedupeKey("k23"), now: t0.adding(seconds: 40)) == .duplicate)
    }

    @Test func logIsCompactedWhenMostRecordsAreDead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try openIndex(dir, window: 10, logger: .silent, now: t0)
        defer { index.close() }
        // 12 000 keys, each expired by the time the next batch arrives: the log must not keep them all.
        for i in 0..<12_000 {
            let now = t0.adding(seconds: Double(i / 1000) * 20)
            _ = index.claim(DedupeKey("k\(i)"), now: now)
            index.commit(DedupeKey("k\(i)"), at: Self.somewhere)
        }
        index.flush()
        index.flush()
        #expect(index.log.output.withLock { $0.records } < 12_000)
        index.close()
        let reopened = try openIndex(dir, window: 10, logger: .silent, now: t0.adding(seconds: 11 * 20))
        defer { reopened.close() }
        #expect(reopened.claim(DedupeKey("k11999"), now: t0.adding(seconds: 11 * 20 + 1)) == .duplicate)
    }
}

extension DedupeIndexTests {
    /// A dedupe log written before keys were fingerprinted (version 1: time, key, event id) is
    /// still honoured, and the compaction on open rewrites it as version 2.
    @Test func versionOneLogIsReadAndRewritten() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let directory = dir.path + "/dedupe"
        try FileSystem.createDirectory(directory)
        var file: [UInt8] = []
        for i in 0..<3 {
            let record = ByteWriter.bytes { w in
                w.u8(1)
                w.timestamp(t0.adding(seconds: Double(i)))
                w.string("evt_old\(i)")
                w.string("evt_old\(i)")
            }
            RecordFrame.append(record, to: &file)
        }
        try FileSystem.replaceAtomically(directory + "/dedupe.log", with: file, directory: directory)

        let index = try openIndex(dir, logger: .silent, now: t0.adding(seconds: 10))
        #expect(index.count == 3)
        #expect(index.claim(DedupeKey("evt_old1"), now: t0.adding(seconds: 10)) == .duplicate)
        #expect(index.claim(DedupeKey("evt_new"), now: t0.adding(seconds: 10)) == .new)
        index.close()
        let contents = try DedupeLog.load(directory: directory, logger: .silent)
        #expect(contents.records.count == 3)
        #expect(contents.records.map(\.key) == (0..<3).map { DedupeKey("evt_old\($0)") })
        #expect(contents.resume != nil)
        let size = try FileDescriptor(path: directory + "/dedupe.log", flags: O_RDONLY).size()
        #expect(size == UInt64(3 * (RecordFrame.headerSize + DedupeLog.recordSize) + RecordFrame.headerSize + DedupeLog.positionSize))
    }
}
