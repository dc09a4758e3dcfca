// Completions handed off to the committers (`handOffCompletions`): after a sync the writer thread
// calls the wake-up instead of running completions; the next `commitDeferred()` runs them on its
// own thread, in journal order, and `close()` runs whatever no committer took.

import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import Synchronization
import Testing
@testable import GatewayStore

@Suite struct JournalHandOffTests {
    /// A journal under policy `always` whose wake-ups signal `woken`.
    private func journal(_ dir: TemporaryDirectory, woken: DispatchSemaphore) throws -> Journal {
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always), logger: .silent)
        journal.handOffCompletions { woken.signal() }
        return journal
    }

    @Test func theNextCommitRunsTheSyncedBatchOnItsThreadInOrder() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let woken = DispatchSemaphore(value: 0)
        let journal = try journal(dir, woken: woken)
        defer { journal.close() }
        let completions = Mutex<[(position: JournalPosition, onCaller: Bool)]>([])
        let caller = pthread_self()
        for i in 0..<5 {
            journal.append(bytes("record \(i)"), deferCommit: true) { result in
                let position = try! result.get()
                completions.withLock { $0.append((position, pthread_equal(pthread_self(), caller) != 0)) }
            }
        }
        journal.commitDeferred()
        #expect(woken.wait(timeout: .now() + 5) == .success, "the writer wakes the committers after its sync")
        Thread.sleep(forTimeInterval: 0.1)
        #expect(completions.withLock { $0.isEmpty }, "the writer thread ran no completion")
        let readable = try journal.read(after: nil, limit: 10)
        #expect(readable.map(\.payload) == (0..<5).map { bytes("record \($0)") }, "committed before its completions ran")

        journal.commitDeferred()
        let done = completions.withLock { $0 }
        #expect(done.map(\.position) == readable.map(\.position))
        #expect(done.allSatisfy { $0.onCaller }, "on the committing thread")
        journal.commitDeferred()
        #expect(completions.withLock { $0.count } == 5, "each completion runs once")
    }

    @Test func closeRunsWhatNoCommitterTook() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let woken = DispatchSemaphore(value: 0)
        let journal = try journal(dir, woken: woken)
        let results = Mutex<[Result<JournalPosition, StoreError>]>([])
        for i in 0..<3 {
            journal.append(bytes("left \(i)")) { r in results.withLock { $0.append(r) } }
        }
        #expect(woken.wait(timeout: .now() + 5) == .success)
        #expect(results.withLock { $0.isEmpty })
        journal.close()
        let done = results.withLock { $0 }
        #expect(done.count == 3)
        #expect(done.allSatisfy { if case .success = $0 { true } else { false } })
    }

    @Test func commitsOnTheCallingThreadAreNotHandedOff() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never), logger: .silent)
        defer { journal.close() }
        let wakes = Atomic<Int>(0)
        journal.handOffCompletions { wakes.add(1, ordering: .relaxed) }
        // The writer thread's first turn may take a queued round; wait until it has parked.
        for _ in 0..<10_000 where !journal.shared.withLock({ $0.writerIdle }) { usleep(1000) }
        let done = Atomic<Int>(0)
        for i in 0..<4 {
            journal.append(bytes("inline \(i)"), deferCommit: true) { _ in done.add(1, ordering: .relaxed) }
        }
        journal.commitDeferred()
        #expect(done.load(ordering: .relaxed) == 4, "policy never: the committer wrote the round and completed it")
        #expect(wakes.load(ordering: .relaxed) == 0)
    }
}
