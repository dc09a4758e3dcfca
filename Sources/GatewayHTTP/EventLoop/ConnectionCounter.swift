// Open connections across all loops, for `maxConnections` and the `openConnections` metric.

import Synchronization

final class ConnectionCounter: Sendable {
    private let value = Atomic<Int>(0)

    var current: Int { value.load(ordering: .relaxed) }

    /// Takes a slot unless `max` are already taken.
    func tryAcquire(max: Int) -> Bool {
        let n = value.wrappingAdd(1, ordering: .relaxed).newValue
        if n > max {
            value.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() { value.wrappingSubtract(1, ordering: .relaxed) }
}
