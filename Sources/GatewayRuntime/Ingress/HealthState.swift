// What /readyz reports: ready once everything is started and until draining begins, and not while
// the last journal write failed (the disk is full or failing: load balancers should look elsewhere).

import Synchronization

final class HealthState: Sendable {
    private let started = Atomic<Bool>(false)
    private let draining = Atomic<Bool>(false)
    private let storageOK = Atomic<Bool>(true)

    func markStarted() { started.store(true, ordering: .relaxed) }
    func markDraining() { draining.store(true, ordering: .relaxed) }
    func storageFailed() { storageOK.store(false, ordering: .relaxed) }
    func storageSucceeded() {
        if !storageOK.load(ordering: .relaxed) { storageOK.store(true, ordering: .relaxed) }
    }

    /// Nil when ready, else why not.
    var notReadyReason: String? {
        if !started.load(ordering: .relaxed) { return "starting" }
        if draining.load(ordering: .relaxed) { return "draining" }
        if !storageOK.load(ordering: .relaxed) { return "storage failing" }
        return nil
    }
}
