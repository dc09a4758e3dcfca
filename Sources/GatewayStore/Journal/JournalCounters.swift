// Lock-free counters behind `Journal.statistics`; the writer bumps them once per batch.

import Synchronization

final class JournalCounters: Sendable {
    let appends = Atomic<Int>(0)
    let failedAppends = Atomic<Int>(0)
    let batches = Atomic<Int>(0)
    let syncs = Atomic<Int>(0)
    let bytesWritten = Atomic<Int>(0)
    let rollovers = Atomic<Int>(0)
    let preparedRollovers = Atomic<Int>(0)

    func snapshot() -> JournalStatistics {
        JournalStatistics(
            appends: appends.load(ordering: .relaxed), failedAppends: failedAppends.load(ordering: .relaxed),
            batches: batches.load(ordering: .relaxed), syncs: syncs.load(ordering: .relaxed),
            bytesWritten: bytesWritten.load(ordering: .relaxed), rollovers: rollovers.load(ordering: .relaxed),
            preparedRollovers: preparedRollovers.load(ordering: .relaxed))
    }
}
