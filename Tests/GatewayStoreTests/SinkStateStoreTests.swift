// SinkStateStore: every kind of change survives reopening; dead letters keep unique sequences, and
// the stream keeps skipping removed ones until the cursor passes them; a torn tail of the log is
// dropped; updates racing a compaction survive it; names that would escape the directory are refused;
// a failed update whose rollback also failed is never replayed, and the next update cleans the log.

import Dispatch
import Foundation
import GatewayCore
import Testing
@testable import GatewayStore

@Suite struct SinkStateStoreTests {
    let t0 = Timestamp(seconds: 1_800_000_000)
    func p(_ o: UInt64) -> JournalPosition { JournalPosition(segment: 1, offset: o) }

    @Test func everyChangeSurvivesReopen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let retry = RetryState(
            position: p(100), eventID: "evt_r", attempts: 3, firstAttemptAt: t0, nextAttemptAt: t0.adding(seconds: 300),
            lastStatus: 503, lastError: "HTTP 503")
        var expected = SinkState()
        do {
            let store = try SinkStateStore(directory: dir.path, sink: "ops", logger: .silent)
            try store.setCursor(p(64))
            try store.setRetry(retry)
            try store.setRetry(RetryState(position: p(200), eventID: "evt_gone", attempts: 1, firstAttemptAt: t0, nextAttemptAt: t0, lastError: "timeout"))
            try store.clearRetry(at: p(200))
            let d = try store.addDeadLetter(DeadLetter(position: p(300), eventID: "evt_d", attempts: 10, lastStatus: 400, lastError: "HTTP 400", time: t0))
            #expect(d.sequence == 1)
            try store.pause(reason: "HTTP 410 Gone", at: t0)
            try store.update([.requeue(p(500)), .requeue(p(400)), .requeue(p(500))])
            expected = store.state
            store.close()
            #expect(throws: StoreError.closed) { try store.setCursor(p(1)) }
        }
        #expect(expected.cursor == p(64))
        #expect(expected.retries == [p(100): retry])
        #expect(expected.requeued == [p(400), p(500)])
        let store = try SinkStateStore(directory: dir.path, sink: "ops", logger: .silent)
        #expect(store.state == expected)
        #expect(store.paused == PauseState(reason: "HTTP 410 Gone", since: t0))
        try store.resume()
        #expect(store.paused == nil)
    }

    @Test func deadLettersRetryMovesThemToRequeuedAndSequencesAreNeverReused() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
            for i in 0..<3 {
                try store.addDeadLetter(DeadLetter(position: p(UInt64(i) * 10 + 16), eventID: "e\(i)", attempts: 1, lastError: "400", time: t0))
            }
            let retried = try store.removeDeadLetters(requeue: true) { $0.eventID != "e1" }
            #expect(retried.map(\.sequence) == [1, 3])
            #expect(store.state.requeued == [p(16), p(36)])
            let dropped = try store.removeDeadLetters(requeue: false) { _ in true }
            #expect(dropped.map(\.eventID) == ["e1"])
            #expect(store.deadLetters.isEmpty)
        }
        // Reopening compacts the log to the (now empty) dead-letter list; the next one is still 4.
        let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
        let next = try store.addDeadLetter(DeadLetter(position: p(99), eventID: "e9", attempts: 1, lastError: "x", time: t0))
        #expect(next.sequence == 4)
    }

    @Test func removedDeadLettersAheadOfTheCursorStaySkippedUntilTheCursorPassesThem() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
            try store.setCursor(p(20))
            // p(10): a requeued event dead-lettered again, behind the cursor; nothing to skip there.
            for o in [10, 30, 40] as [UInt64] {
                try store.addDeadLetter(DeadLetter(position: p(o), eventID: "e\(o)", attempts: 1, lastError: "400", time: t0))
            }
            try store.removeDeadLetters(requeue: false) { $0.eventID == "e30" }
            try store.removeDeadLetters(requeue: true) { _ in true }
            #expect(store.state.skipped == [p(30), p(40)])
        }
        let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
        #expect(store.state.skipped == [p(30), p(40)])
        try store.setCursor(p(35))
        #expect(store.state.skipped == [p(40)])
        #expect(try SinkStateStore(directory: dir.path, sink: "s", logger: .silent).state.skipped == [p(40)])
    }

    @Test func tornTailOfTheLogIsDropped() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        do {
            let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
            try store.setCursor(p(10))
            try store.setCursor(p(20))
        }
        let path = dir.path + "/sinks/s/state.log"
        var half: [UInt8] = []
        RecordFrame.append(SinkStateRecord.encode([.cursor(p(30))], nextSequence: 1), to: &half)
        let h = try #require(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        h.write(Data(half.dropLast(3)))
        h.closeFile()
        let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
        #expect(store.cursor == p(20))
        try store.setCursor(p(40))
        #expect(try SinkStateStore(directory: dir.path, sink: "s", logger: .silent).cursor == p(40))
    }

    @Test func manyUpdatesCompactTheLogAndKeepTheLatestState() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try SinkStateStore(directory: dir.path, sink: "busy", logger: .silent)
        for i in 0..<600 { try store.setCursor(p(UInt64(i))) }
        let size = (try FileManager.default.attributesOfItem(atPath: dir.path + "/sinks/busy/state.log")[.size] as! NSNumber).intValue
        #expect(size < 600 * 38, "log of \(size) bytes was never compacted")
        #expect(try SinkStateStore(directory: dir.path, sink: "busy", logger: .silent).cursor == p(599))
    }

    @Test func listsSinksAndRefusesNamesThatEscapeTheDirectory() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        #expect(try SinkStateStore.sinkNames(in: dir.path) == [])
        _ = try SinkStateStore(directory: dir.path, sink: "b", logger: .silent)
        _ = try SinkStateStore(directory: dir.path, sink: "a", logger: .silent)
        #expect(try SinkStateStore.sinkNames(in: dir.path) == ["a", "b"])
        for bad in ["", ".", "..", "x/y", "../evil"] {
            #expect(throws: StoreError.self, "\(bad)") { try SinkStateStore(directory: dir.path, sink: bad, logger: .silent) }
        }
    }

    @Test func largeReplaysKeepRequeuedSortedAndUniqueAndSurviveReopen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try SinkStateStore(directory: dir.path, sink: "replay", logger: .silent)
        let forward = (0..<20_000).map { SinkStateChange.requeue(p(UInt64($0) * 8 + 16)) }
        try store.update(forward + [.requeue(p(20)), .requeue(p(16)), .requeue(p(3))])
        var expected = [p(3)] + (0..<20_000).map { p(UInt64($0) * 8 + 16) }
        expected.insert(p(20), at: 2)
        #expect(store.state.requeued == expected)
        try store.update(expected.enumerated().filter { $0.offset % 2 == 0 }.map { .removeRequeued($0.element) })
        let left = expected.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(store.state.requeued == left)
        #expect(try SinkStateStore(directory: dir.path, sink: "replay", logger: .silent).state.requeued == left)
    }

    /// Eight real threads (like a sink's delivery workers; not concurrentPerform, which runs only
    /// as many at once as there are cores), each calling `body` with `deadLetters` letters of its
    /// own in turn; returns when all are done.
    func onEightWorkers(deadLetters count: Int, _ body: @escaping @Sendable (DeadLetter) -> Void) {
        let t0 = self.t0
        let group = DispatchGroup()
        for worker in 0..<8 {
            group.enter()
            Thread {
                for i in 0..<count {
                    body(DeadLetter(position: JournalPosition(segment: 1, offset: UInt64(worker * 1000 + i)),
                                    eventID: "w\(worker)-\(i)", attempts: 1, lastError: "400", time: t0))
                }
                group.leave()
            }.start()
        }
        group.wait()
    }

    @Test func concurrentUpdatesShareSyncsAndAllBecomeDurable() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try SinkStateStore(directory: dir.path, sink: "many", logger: .silent)
        onEightWorkers(deadLetters: 50) { letter in _ = try? store.addDeadLetter(letter) }
        let letters = store.deadLetters
        #expect(letters.count == 400)
        #expect(Set(letters.map(\.sequence)).count == 400)
        #expect(letters.map(\.sequence) == letters.map(\.sequence).sorted())
        let syncs = store.syncs.load(ordering: .relaxed)
        #expect(syncs < 400, "\(syncs) fdatasyncs for 400 concurrent updates")
        print("sink state: 400 concurrent updates from 8 threads took \(syncs) fdatasyncs")
        let reopened = try SinkStateStore(directory: dir.path, sink: "many", logger: .silent)
        #expect(reopened.deadLetters == letters)
    }

    @Test func updatesThatArriveDuringACompactionAreNotLost() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var store = try SinkStateStore(directory: dir.path, sink: "race", syncsUpdates: false, logger: .silent)
        // Threads dead-letter and drop, so the log keeps passing its compaction threshold while
        // others commit: a drop written to the log that a compaction is replacing would bring its
        // dead letter back on reopen. A later compaction rewrites the loss from memory, so only one
        // after the round's last compaction shows: hence many short rounds.
        for round in 0..<20 {
            let current = store
            onEightWorkers(deadLetters: 150) { letter in
                guard let stored = try? current.addDeadLetter(letter) else { return }
                _ = try? current.removeDeadLetters(requeue: false) { $0.sequence == stored.sequence }
            }
            let expected = store.state
            #expect(expected.deadLetters.isEmpty)
            store.close()
            store = try SinkStateStore(directory: dir.path, sink: "race", syncsUpdates: false, logger: .silent)
            #expect(store.deadLetters.map(\.eventID) == [], "round \(round)")
            guard store.state == expected else { break }
        }
    }

    @Test func unsyncedStoreWritesEveryUpdateWithoutSyncingIt() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let store = try SinkStateStore(directory: dir.path, sink: "quick", syncsUpdates: false, logger: .silent)
        for i in 0..<20 { try store.setCursor(JournalPosition(segment: 1, offset: UInt64(100 + i))) }
        #expect(store.syncs.load(ordering: .relaxed) == 0, "no fdatasync per update")
        // Written all the same: a process that stops (or crashes) and reopens finds the last cursor.
        let reopened = try SinkStateStore(directory: dir.path, sink: "quick", logger: .silent)
        #expect(reopened.state.cursor == JournalPosition(segment: 1, offset: 119))

        let synced = try SinkStateStore(directory: dir.path, sink: "careful", logger: .silent)
        try synced.setCursor(JournalPosition(segment: 1, offset: 7))
        #expect(synced.syncs.load(ordering: .relaxed) == 1)
    }

    /// The store's current log file, to inject failures into (FileDescriptor.failing).
    func logFile(_ store: SinkStateStore) throws -> FileDescriptor { try #require(store.inner.withLock { $0.file }) }

    @Test func failedUpdateWhoseRollbackFailedIsNotReplayedAfterReopen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let expected: SinkState
        do {
            let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
            try store.setCursor(p(10))
            try store.addDeadLetter(DeadLetter(position: p(16), eventID: "evt_d", attempts: 3, lastError: "HTTP 400", time: t0))
            expected = store.state
            // The frames reach the file, the sync fails, and so does the truncate meant to undo them.
            let file = try logFile(store)
            file.failing([.dataSync, .truncate])
            #expect(throws: StoreError.self) { try store.removeDeadLetters(requeue: false) { _ in true } }
            #expect(store.state == expected, "a failed update changes nothing in memory")
            file.failing([])
            store.close()
        }
        // The operator was told the drop failed: it must not happen after a restart.
        let (logger, log) = recordingLogger()
        let reopened = try SinkStateStore(directory: dir.path, sink: "s", logger: logger)
        #expect(reopened.state == expected)
        #expect(reopened.deadLetters.map(\.eventID) == ["evt_d"])
        #expect(!log.messages.contains { $0.contains("corrupt") || $0.contains("torn") })
    }

    @Test func nextUpdateTruncatesTheUncertainTailFirstAndFailsIfItCannot() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.path + "/sinks/s/state.log"
        let expected: SinkState
        do {
            let store = try SinkStateStore(directory: dir.path, sink: "s", logger: .silent)
            try store.setCursor(p(10))
            let durable = store.state
            let file = try logFile(store)
            file.failing([.dataSync, .truncate])
            // A long frame, so a later shorter write at the same offset would leave part of it behind.
            let long = String(repeating: "x", count: 2000)
            #expect(throws: StoreError.self) {
                try store.addDeadLetter(DeadLetter(position: p(16), eventID: "evt_d", attempts: 3, lastError: long, time: t0))
            }
            #expect(store.state == durable)
            // The tail still cannot be removed: this write must fail rather than land on top of it.
            file.failing([.truncate])
            #expect(throws: StoreError.self) { try store.setCursor(p(20)) }
            #expect(store.state == durable)
            // The disk recovers: the next update removes the tail, then succeeds.
            file.failing([])
            try store.setCursor(p(30))
            expected = store.state
            #expect(expected.cursor == p(30))
            #expect(expected.deadLetters.isEmpty)
            let onDisk = try FileDescriptor(path: path, flags: O_RDONLY).size()
            #expect(onDisk == store.inner.withLock { $0.size }, "nothing past the last good record")
            store.close()
        }
        let (logger, log) = recordingLogger()
        let reopened = try SinkStateStore(directory: dir.path, sink: "s", logger: logger)
        #expect(reopened.state == expected)
        #expect(log.messages.isEmpty, "a clean log: \(log.messages)")
        // The failed dead letter's sequence was never durable, so it is not burned either.
        #expect(try reopened.addDeadLetter(DeadLetter(position: p(40), eventID: "evt_e", attempts: 1, lastError: "400", time: t0)).sequence == 1)
    }
}
