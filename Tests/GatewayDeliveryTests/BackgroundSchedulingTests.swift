// Delivery threads put themselves under SCHED_BATCH (see BackgroundScheduling): checked on a thread
// of its own, as the dispatcher's threads do it, leaving the test runner's threads alone.

@testable import GatewayDelivery
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Test func aDeliveryThreadRunsUnderBatchScheduling() {
    #if os(Linux)
    let policies = Mutex<(before: Int32, after: Int32)>((-1, -1))
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let before = sched_getscheduler(0)
        BackgroundScheduling.applyToCurrentThread()
        let after = sched_getscheduler(0)
        policies.withLock { $0 = (before, after) }
        done.signal()
    }
    thread.start()
    done.wait()
    let (before, after) = policies.withLock { $0 }
    #expect(before == SCHED_OTHER)
    #expect(after == BackgroundScheduling.schedBatch)
    #expect(sched_getscheduler(0) == SCHED_OTHER, "only the calling thread changes")
    #endif
}
