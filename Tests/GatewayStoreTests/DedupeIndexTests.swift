// DedupeIndex: atomic claims, release after a failed append, window expiry with injected times,
// persistence across reopen, and the memory bound.

import Dispatch
import GatewayCore
import Synchronization
import Testing
@testable import GatewayStore

@Suite struct DedupeIndexTests {
    let t0 = Timestamp(seconds: 1_800_000_000)

    @Test func firstClaimIsNewThenInFlightThenDuplicateAfterCommit() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try DedupeIndex(directory: dir.path, logger: .silent, now: t0)
        defer { index.close() }
        #expect(index.claim("k1", eventID: "evt_1", now: t0) == .new)
        #expect(index.claim("k1", eventID: "evt_other", now: t0) == .inFlight(eventID: "evt_1"))
        index.commit("k1")
        #expect(index.claim("k1", eventID: "evt_other", now: t0.adding(seconds: 1)) == .duplicate(eventID: "evt_1"))
        #expect(index.claim("k2", eventID: "evt_2", now: t0) == .new)
    }

    @Test func releasedClaimCanBeClaimedAgain() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try DedupeIndex(directory: dir.path, logger: .silent, now: t0)
        defer { index.close() }
        #expect(index.claim("k", eventID: "evt_a", now: t0) == .new)
        index.release("k")
        #expect(index.claim("k", eventID: "evt_a", now: t0) == .new)
        index.commit("k")
        index.release("k")  // a committed key is not released
        #expect(index.claim("k", eventID: "evt_b", now: t0) == .duplicate(eventID: "evt_a"))
    }

    @Test func concurrentClaimsOfOneKeyYieldExactlyOneNew() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try DedupeIndex(directory: dir.path, logger: .silent, now: t0)
        defer { index.close() }
        let news = Atomic<Int>(0)
        let now = t0
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            if index.claim("same", eventID: "evt_\(i)", now: now) == .new { news.add(1, ordering: .relaxed) }
        }
        #expect(news.load(ordering: .relaxed) == 1)
    }

    @Test func keysExpireAfterTheWindow() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try DedupeIndex(directory: dir.path, window: 3600, logger: .silent, now: t0)
        defer { index.close() }
        #expect(index.claim("old", eventID: "evt_old", now: t0) == .new)
        index.commit("old")
        #expect(index.claim("old", eventID: "x", now: t0.adding(seconds: 3599)) == .duplicate(eventID: "evt_old"))
        #expect(index.claim("old", eventID: "evt_new", now: t0.adding(seconds: 3601)) == .new)
        #expect(index.count == 1)
    }

    @Test func committedKeysSurviveReopenAndExpiredOnesDoNot() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            let index = try DedupeIndex(directory: dir.path, window: 3600, logger: .silent, now: t0)
            for i in 0..<100 {
                #expect(index.claim("k\(i)", eventID: "evt_\(i)", now: t0.adding(seconds: Double(i) * 60)) == .new)
                if i != 50 { index.commit("k\(i)") }  // k50's append "failed": never committed
            }
            index.close()
        }
        // Reopened 1 h after k40 was first seen: k0...k40 have expired.
        let reopenedAt = t0.adding(seconds: 40 * 60 + 3600)
        let index = try DedupeIndex(directory: dir.path, window: 3600, logger: .silent, now: reopenedAt)
        defer { index.close() }
        #expect(index.count == 58)
        #expect(index.claim("k41", eventID: "x", now: reopenedAt) == .duplicate(eventID: "evt_41"))
        #expect(index.claim("k99", eventID: "x", now: reopenedAt) == .duplicate(eventID: "evt_99"))
        #expect(index.claim("k50", eventID: "evt_50", now: reopenedAt) == .new)
        #expect(index.claim("k40", eventID: "evt_40b", now: reopenedAt) == .new)
    }

    @Test func boundedByMaxEntriesEvictingOldestAndLogging() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let (logger, log) = recordingLogger()
        let index = try DedupeIndex(directory: dir.path, maxEntries: 10, logger: logger, now: t0)
        defer { index.close() }
        for i in 0..<25 {
            _ = index.claim("k\(i)", eventID: "evt_\(i)", now: t0.adding(seconds: Double(i)))
            index.commit("k\(i)")
        }
        #expect(index.count == 10)
        #expect(index.evictions == 15)
        #expect(index.claim("k24", eventID: "x", now: t0.adding(seconds: 30)) == .duplicate(eventID: "evt_24"))
        #expect(index.claim("k0", eventID: "evt_0b", now: t0.adding(seconds: 30)) == .new)
        #expect(log.messages.contains("dedupe index full: evicting oldest keys before their window ends"))
        // The bound also holds on reopen, keeping the newest.
        index.close()
        let reopened = try DedupeIndex(directory: dir.path, maxEntries: 5, logger: .silent, now: t0.adding(seconds: 40))
        defer { reopened.close() }
        #expect(reopened.count == 5)
        #expect(reopened.claim("k23", eventID: "x", now: t0.adding(seconds: 40)) == .duplicate(eventID: "evt_23"))
    }

    @Test func logIsCompactedWhenMostRecordsAreDead() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let index = try DedupeIndex(directory: dir.path, window: 10, logger: .silent, now: t0)
        defer { index.close() }
        // 12 000 keys, each expired by the time the next batch arrives: the log must not keep them all.
        for i in 0..<12_000 {
            let now = t0.adding(seconds: Double(i / 1000) * 20)
            _ = index.claim("k\(i)", eventID: "e\(i)", now: now)
            index.commit("k\(i)")
        }
        index.flush()
        index.flush()
        #expect(index.log.output.withLock { $0.records } < 12_000)
        index.close()
        let reopened = try DedupeIndex(directory: dir.path, window: 10, logger: .silent, now: t0.adding(seconds: 11 * 20))
        defer { reopened.close() }
        #expect(reopened.claim("k11999", eventID: "x", now: t0.adding(seconds: 11 * 20 + 1)) == .duplicate(eventID: "e11999"))
    }
}
