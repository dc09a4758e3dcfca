// Journal basics: append/read round trips, positions and cursors, reopening, segment rollover,
// retention, and group commit batching.

import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import Synchronization
import Testing
@testable import GatewayStore

@Suite struct JournalTests {
    @Test func deferredAppendsWaitForCommitAndShareOneBatch() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always), logger: .silent)
        defer { journal.close() }
        // One ordinary append, then a pause: the writer has finished it and sits in its idle wait.
        _ = try journal.appendAndWait(bytes("first")).get()
        Thread.sleep(forTimeInterval: 0.2)
        let done = Mutex(0)
        let all = DispatchSemaphore(value: 0)
        for i in 0..<10 {
            journal.append(bytes("deferred \(i)"), deferCommit: true) { result in
                if case .success = result, done.withLock({ $0 += 1; return $0 }) == 10 { all.signal() }
            }
        }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(done.withLock { $0 } == 0, "nothing is written before the commit is asked for")
        let batchesBefore = journal.statistics.batches
        journal.commitDeferred()
        #expect(all.wait(timeout: .now() + 5) == .success)
        #expect(journal.statistics.batches - batchesBefore == 1, "one round of appends is one batch")
        #expect(journal.statistics.syncs >= 2, "policy always: each batch was synced by the writer thread")
    }

    @Test func aBusyWriterLeavesARoundInProgressForItsCommit() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always), logger: .silent)
        defer { journal.close() }
        // An ordinary append sets the writer to work; the round's appends arrive while it syncs.
        // Once done it turns again at once: it must not take the half round it finds.
        let first = DispatchSemaphore(value: 0)
        journal.append(bytes("first")) { _ in first.signal() }
        let done = Mutex(0)
        let all = DispatchSemaphore(value: 0)
        for i in 0..<10 {
            journal.append(bytes("round \(i)"), deferCommit: true) { result in
                if case .success = result, done.withLock({ $0 += 1; return $0 }) == 10 { all.signal() }
            }
        }
        #expect(first.wait(timeout: .now() + 5) == .success)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(done.withLock { $0 } == 0, "the round waits for its end")
        let batchesBefore = journal.statistics.batches
        journal.commitDeferred()
        #expect(all.wait(timeout: .now() + 5) == .success)
        #expect(journal.statistics.batches - batchesBefore == 1)
        #expect(try journal.read(after: nil, limit: 100).map(\.payload) == [bytes("first")] + (0..<10).map { bytes("round \($0)") })
    }

    @Test func aBurstIsHeldUntilItsCallerRunsOutOfWork() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always, maxHoldSeconds: 60), logger: .silent)
        defer { journal.close() }
        let done = Atomic<Int>(0)
        let batchesBefore = journal.statistics.batches
        for round in 0..<3 {
            for i in 0..<4 {
                journal.append(bytes("round \(round) record \(i)"), deferCommit: true) { _ in done.add(1, ordering: .relaxed) }
            }
            journal.commitDeferred(moreComing: true)
        }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(done.load(ordering: .relaxed) == 0, "rounds with more coming stay held")
        #expect(journal.statistics.batches == batchesBefore)
        journal.commitDeferred()
        for _ in 0..<500 where done.load(ordering: .relaxed) < 12 { usleep(2000) }
        #expect(done.load(ordering: .relaxed) == 12)
        #expect(journal.statistics.batches - batchesBefore == 1, "the whole burst is one batch")
    }

    @Test func heldRecordsAreCommittedOnceTheyHaveWaitedTheLimit() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always, maxHoldSeconds: 0.05), logger: .silent)
        defer { journal.close() }
        let done = Atomic<Int>(0)
        journal.append(bytes("waiting"), deferCommit: true) { _ in done.add(1, ordering: .relaxed) }
        journal.commitDeferred(moreComing: true)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(done.load(ordering: .relaxed) == 0)
        // A caller that never runs out of work: its next round end releases what waited too long.
        journal.append(bytes("later"), deferCommit: true) { _ in done.add(1, ordering: .relaxed) }
        journal.commitDeferred(moreComing: true)
        for _ in 0..<500 where done.load(ordering: .relaxed) < 2 { usleep(2000) }
        #expect(done.load(ordering: .relaxed) == 2)
    }

    @Test func withoutSyncARoundIsWrittenAtItsEndEvenWithMoreComing() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never), logger: .silent)
        defer { journal.close() }
        for _ in 0..<10_000 where !journal.shared.withLock({ $0.writerIdle }) { usleep(1000) }
        let done = Atomic<Int>(0)
        for i in 0..<3 { journal.append(bytes("r\(i)"), deferCommit: true) { _ in done.add(1, ordering: .relaxed) } }
        journal.commitDeferred(moreComing: true)
        #expect(done.load(ordering: .relaxed) == 3, "a write without a sync gains nothing from waiting")
    }

    @Test func closeCommitsARoundStillHeld() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always), logger: .silent)
        let results = Mutex<[Result<JournalPosition, StoreError>]>([])
        for i in 0..<3 {
            journal.append(bytes("held \(i)"), deferCommit: true) { r in results.withLock { $0.append(r) } }
        }
        journal.close()
        #expect(results.withLock { $0.count } == 3)
        #expect(results.withLock { $0 }.allSatisfy { if case .success = $0 { true } else { false } })
        let reopened = try Journal(directory: dir.path, options: JournalOptions(fsync: .always), logger: .silent)
        defer { reopened.close() }
        #expect(try reopened.read(after: nil, limit: 10).map(\.payload) == (0..<3).map { bytes("held \($0)") })
    }

    @Test func withoutSyncTheCommittingThreadWritesItsRoundItself() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never), logger: .silent)
        defer { journal.close() }
        // Until the writer thread has parked, its first turn may take the queued round (and then
        // run the completions itself): on a loaded machine it started after the appends.
        for _ in 0..<10_000 where !journal.shared.withLock({ $0.writerIdle }) { usleep(1000) }
        let caller = pthread_self()
        let completions = Mutex<[(JournalPosition, Bool)]>([])
        for i in 0..<10 {
            journal.append(bytes("inline \(i)"), deferCommit: true) { result in
                let position = try! result.get()
                completions.withLock { $0.append((position, pthread_equal(pthread_self(), caller) != 0)) }
            }
        }
        journal.commitDeferred()
        let done = completions.withLock { $0 }
        #expect(done.count == 10, "every completion ran before commitDeferred returned")
        #expect(done.allSatisfy { $0.1 }, "on the calling thread")
        #expect(done.map(\.0) == done.map(\.0).sorted())
        #expect(try journal.read(after: nil, limit: 100).map(\.payload) == (0..<10).map { bytes("inline \($0)") })
    }

    @Test func inlineCommitsAndTheWriterThreadInterleaveWithoutLosingOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        // Small segments so commits from both sides also cross rollovers.
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never, segmentSize: 4096), logger: .silent)
        defer { journal.close() }
        let committed = DispatchGroup()
        // Entered here, not on the thread: the wait below must count appends not yet made.
        for _ in 0..<300 { committed.enter() }
        let other = Thread {
            for i in 0..<300 {
                journal.append(bytes("thread \(i)")) { _ in committed.leave() }
            }
        }
        other.start()
        for i in 0..<300 {
            committed.enter()
            journal.append(bytes("loop \(i)"), deferCommit: true) { _ in committed.leave() }
            if i % 7 == 0 { journal.commitDeferred() }
        }
        journal.commitDeferred()
        #expect(committed.wait(timeout: .now() + 10) == .success)
        let payloads = try journal.read(after: nil, limit: 1000).map { String(decoding: $0.payload, as: UTF8.self) }
        #expect(payloads.count == 600)
        // Each side's records are in the order it appended them.
        #expect(payloads.filter { $0.hasPrefix("loop") } == (0..<300).map { "loop \($0)" })
        #expect(payloads.filter { $0.hasPrefix("thread") } == (0..<300).map { "thread \($0)" })
        #expect(journal.statistics.appends == 600)
    }

    @Test func appendedRecordsReadBackInOrderWithPositions() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always), logger: .silent)
        defer { journal.close() }
        var positions: [JournalPosition] = []
        for i in 0..<20 { positions.append(try journal.appendAndWait(bytes("record \(i)")).get()) }
        #expect(positions == positions.sorted())
        let all = try journal.read(after: nil, limit: 100)
        #expect(all.map(\.payload) == (0..<20).map { bytes("record \($0)") })
        #expect(all.map(\.position) == positions)
        #expect(journal.end == all.last!.next)
        // Each entry's `next` is where the following one starts.
        for (a, b) in zip(all, all.dropFirst()) { #expect(a.next == b.position) }
    }

    @Test func readAfterFromAndAtAgreeOnBoundaries() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, logger: .silent)
        defer { journal.close() }
        for i in 0..<10 { _ = try journal.appendAndWait(bytes("r\(i)")).get() }
        let all = try journal.read(after: nil, limit: 100)
        #expect(try journal.read(after: all[3].position, limit: 2).map(\.payload) == [bytes("r4"), bytes("r5")])
        #expect(try journal.read(from: all[3].position, limit: 2).map(\.payload) == [bytes("r3"), bytes("r4")])
        #expect(try journal.read(from: all[3].next, limit: 1).map(\.payload) == [bytes("r4")])
        #expect(try journal.read(at: all[7].position)?.payload == bytes("r7"))
        #expect(try journal.read(at: journal.end) == nil)
        #expect(try journal.read(from: journal.end, limit: 10).isEmpty)
        #expect(try journal.read(after: all[9].position, limit: 10).isEmpty)
    }

    @Test func recordsSurviveCloseAndReopenAndAppendsContinue() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        var journal = try Journal(directory: dir.path, logger: .silent)
        for i in 0..<5 { _ = try journal.appendAndWait(bytes("before \(i)")).get() }
        let endBefore = journal.end
        journal.close()
        journal = try Journal(directory: dir.path, logger: .silent)
        defer { journal.close() }
        #expect(journal.end == endBefore)
        let p = try journal.appendAndWait(bytes("after")).get()
        #expect(p == endBefore)
        #expect(try journal.read(after: nil, limit: 100).map(\.payload) == (0..<5).map { bytes("before \($0)") } + [bytes("after")])
    }

    /// A byte bound on reads, from the memory tail and from disk alike: whole records only, never
    /// more than the bound, but always the first record.
    @Test func readsStopAtTheByteBound() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let records = (0..<10).map { [UInt8](repeating: UInt8($0), count: 1000) }
        var journal = try Journal(directory: dir.path, logger: .silent)
        for r in records { _ = try journal.appendAndWait(r, event: nil).get() }
        let start = try #require(journal.read(after: nil, limit: 1).first?.position)
        for round in ["tail", "disk"] {
            #expect(try journal.read(from: start, limit: 100, maxBytes: 2500).map(\.payload) == Array(records[0..<2]), "\(round)")
            #expect(try journal.read(from: start, limit: 100, maxBytes: 3000).count == 3, "\(round)")
            #expect(try journal.read(from: start, limit: 100, maxBytes: 10).map(\.payload) == [records[0]], "\(round)")
            #expect(try journal.read(from: start, limit: 4, maxBytes: 1 << 20).count == 4, "\(round)")
            journal.close()
            journal = try Journal(directory: dir.path, logger: .silent)  // the memory tail starts empty
        }
        journal.close()
    }

    @Test func rollsOverSegmentsAndReadsAcrossThem() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(segmentSize: 1024), logger: .silent)
        defer { journal.close() }
        let payload = [UInt8](repeating: 0x61, count: 200)
        var positions: [JournalPosition] = []
        for i in 0..<30 { positions.append(try journal.appendAndWait(payload + [UInt8(i)]).get()) }
        #expect(journal.segmentNumbers.count >= 6)
        #expect(Set(positions.map(\.segment)).count == journal.segmentNumbers.count)
        let all = try journal.read(after: nil, limit: 100)
        #expect(all.map { $0.payload.last! } == (0..<30).map { UInt8($0) })
        // Paging with small limits crosses segment boundaries without losing or repeating records.
        var paged: [JournalEntry] = []
        var cursor: JournalPosition? = nil
        while true {
            let page = try journal.read(after: cursor, limit: 4)
            if page.isEmpty { break }
            paged += page
            cursor = page.last!.position
        }
        #expect(paged == all)
        // A record larger than a segment gets one of its own.
        let big = [UInt8](repeating: 0x62, count: 5000)
        let bigPosition = try journal.appendAndWait(big).get()
        #expect(try journal.read(at: bigPosition)?.payload == big)
    }

    @Test func retentionRemovesOnlyOldSegmentsBeforeThePosition() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(segmentSize: 512), logger: .silent)
        defer { journal.close() }
        var positions: [JournalPosition] = []
        for i in 0..<20 { positions.append(try journal.appendAndWait([UInt8](repeating: UInt8(i), count: 150)).get()) }
        let segments = journal.segmentNumbers
        #expect(segments.count > 4)
        let cut = positions[10]
        // Not old enough yet: nothing goes.
        #expect(journal.removeSegments(fullyBefore: cut, olderThan: Timestamp(seconds: 0)) == 0)
        let removed = journal.removeSegments(fullyBefore: cut, olderThan: Timestamp.now().adding(seconds: 60))
        #expect(removed == segments.filter { $0 < cut.segment }.count)
        #expect(journal.segmentNumbers.allSatisfy { $0 >= cut.segment })
        let left = try journal.read(after: nil, limit: 100)
        #expect(left.first!.position.segment == cut.segment)
        #expect(left.contains { $0.position == cut })
        // Removing everything before the end never removes the active segment.
        journal.removeSegments(fullyBefore: JournalPosition(segment: .max, offset: 0), olderThan: Timestamp.now().adding(seconds: 60))
        #expect(journal.segmentNumbers == [segments.last!])
        _ = try journal.appendAndWait(bytes("still writable")).get()
    }

    @Test func groupCommitSharesSyncsAmongConcurrentAppends() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always), logger: .silent)
        defer { journal.close() }
        let total = 2000
        let done = DispatchSemaphore(value: 0)
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<(total / 8) {
                journal.append(bytes("t\(t) i\(i)")) { r in
                    if case .failure = r { failures.add(1, ordering: .relaxed) }
                    done.signal()
                }
            }
        }
        for _ in 0..<total { done.wait() }
        let stats = journal.statistics
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(stats.appends == total)
        #expect(stats.syncs < total / 4, "syncs: \(stats.syncs) for \(total) appends")
        #expect(stats.batches == stats.syncs)
        #expect(try journal.read(after: nil, limit: total + 1).count == total)
    }

    @Test func commitListenersRunAfterRecordsAreReadable() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, logger: .silent)
        defer { journal.close() }
        let seen = Mutex<[Int]>([])
        journal.onCommit { [journal] in
            let n = (try? journal.read(after: nil, limit: 100).count) ?? -1
            seen.withLock { $0.append(n) }
        }
        _ = try journal.appendAndWait(bytes("one")).get()
        _ = try journal.appendAndWait(bytes("two")).get()
        // Listeners run on the writer thread right after the completions: give it a moment.
        for _ in 0..<200 where seen.withLock({ $0.count }) < 2 { usleep(5000) }
        #expect(seen.withLock { $0 } == [1, 2])
    }

    @Test func appendsAfterCloseFailAndEmptyPayloadsAreRefused() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, logger: .silent)
        if case .success = journal.appendAndWait([]) { Issue.record("empty payload accepted") }
        journal.close()
        #expect(throws: StoreError.closed) { try journal.appendAndWait(bytes("late")).get() }
    }

    @Test func intervalAndNeverPoliciesCompleteAndPersistOnClose() throws {
        for policy in [FsyncPolicy.interval(0.01), .never] {
            let dir = TemporaryDirectory()
            defer { dir.remove() }
            var journal = try Journal(directory: dir.path, options: JournalOptions(fsync: policy), logger: .silent)
            for i in 0..<50 { _ = try journal.appendAndWait(bytes("\(i)")).get() }
            journal.close()
            journal = try Journal(directory: dir.path, logger: .silent)
            #expect(try journal.read(after: nil, limit: 100).count == 50, "\(policy)")
            journal.close()
        }
    }

    @Test func readingManySegmentsKeepsFewDescriptorsOpen() throws {
        func openDescriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let before = openDescriptors()
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never, segmentSize: 64), logger: .silent)
        defer { journal.close() }
        for i in 0..<150 { _ = try journal.appendAndWait(bytes("segment-sized record \(i) ........................")).get() }
        #expect(journal.segmentNumbers.count >= 150)
        #expect(try journal.read(after: nil, limit: 1000).count == 150)
        let grown = openDescriptors() - before
        #expect(grown <= SegmentFileCache.capacity + 16, "\(grown) descriptors opened to read 150 segments")
    }

    @Test func readerFollowingTheWriterSeesEveryRecordOnceAndInOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never, segmentSize: 4096), logger: .silent)
        defer { journal.close() }
        let total = 3000
        let writer = Thread {
            for i in 0..<total { journal.append(bytes("event \(i)")) { _ in } }
        }
        writer.start()
        var seen: [[UInt8]] = []
        var cursor: JournalPosition? = nil
        let deadline = Timestamp.now().adding(seconds: 20)
        while seen.count < total && Timestamp.now() < deadline {
            let page = try journal.read(after: cursor, limit: 100)
            if let last = page.last { cursor = last.position } else { usleep(200) }
            seen += page.map(\.payload)
        }
        #expect(seen == (0..<total).map { bytes("event \($0)") })
    }

    @Test func intervalPolicySyncsOnItsOwnWhenIdle() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .interval(0.1)), logger: .silent)
        defer { journal.close() }
        usleep(120_000)  // the interval since opening has passed: the next write is synced at once
        _ = try journal.appendAndWait(bytes("one")).get()
        #expect(journal.statistics.syncs == 1)
        _ = try journal.appendAndWait(bytes("two")).get()  // within the interval: completes unsynced
        #expect(journal.statistics.syncs == 1)
        for _ in 0..<200 where journal.statistics.syncs == 1 { usleep(5000) }
        #expect(journal.statistics.syncs == 2, "no timed fdatasync after the interval")
    }

    @Test func positionsPrintAndParseAsSegmentColonOffset() {
        let p = JournalPosition(segment: 3, offset: 1_048_576)
        #expect(p.description == "3:1048576")
        #expect(JournalPosition(parsing: "3:1048576") == p)
        #expect(JournalPosition(parsing: "3") == nil)
        #expect(JournalPosition(parsing: "a:1") == nil)
        #expect(JournalPosition(segment: 2, offset: 900) < JournalPosition(segment: 3, offset: 16))
    }
}
