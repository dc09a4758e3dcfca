// Wakes a sink's threads when something changed (a journal commit, a finished delivery, an admin
// action). A generation counter instead of a bare signal: a thread reads the generation before
// looking for work and waits only while it is unchanged, so a ring in between is never lost.

import Foundation

/// Why `@unchecked Sendable` is safe: `generation` is only read or written while `condition`
/// is locked.
final class Doorbell: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    var current: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    func ring() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Returns when rung after `since` was read, or after `timeout` seconds.
    func wait(since: UInt64, timeout: Double) {
        guard timeout > 0 else { return }
        let deadline = Date(timeIntervalSinceNow: min(timeout, 3600))
        condition.lock()
        while generation == since {
            if !condition.wait(until: deadline) { break }
        }
        condition.unlock()
    }
}
