// Delivery threads run under SCHED_BATCH when the journal does not sync (`storage.fsync: never`;
// SinkDispatcher.spawn says why not otherwise): same CPU share as any thread (fairness is
// unchanged), but waking one never preempts the running thread. Delivery is off the request path by design, while
// on a busy core the thread it would preempt is an event loop in the middle of a round of
// requests, whose answers then wait for the preemption and the switch back. Under W1 with the
// gateway on one core, per 1000 webhooks: the event loop was preempted ~47 times and the file
// sink's coordinator and worker woke ~70 and ~45 times; under batch scheduling ~12, ~21 and ~11
// (/proc/<tid>/status context-switch counts, two runs each), the sink writing larger batches.

#if canImport(Glibc)
import Glibc
#endif

enum BackgroundScheduling {
    /// SCHED_BATCH from <bits/sched.h>, which names it only for _GNU_SOURCE (not imported here).
    static let schedBatch: Int32 = 3

    /// Puts the calling thread under SCHED_BATCH. Best effort: a platform or sandbox refusing it
    /// leaves the thread as it was, which is only slower for the event loops beside it.
    static func applyToCurrentThread() {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        // pid 0 is the calling thread: Linux keeps scheduling policy per thread.
        _ = sched_setscheduler(0, schedBatch, &parameters)
        #endif
    }
}
