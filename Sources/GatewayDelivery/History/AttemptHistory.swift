// The recent delivery attempts of one sink that did not simply succeed the first time: every
// failed attempt, and the success that ends a series of failures. First-time successes, nearly
// every event of a healthy sink, are not recorded: the dispatcher skips them with one test per
// event, so a sink taking ~30 000 events/s pays nothing more for a history nobody needs.
//
// In memory only, lost on restart (the durable last status and error of each retry and dead
// letter stay in the sink's state). Bounded: a ring of the last `capacity` records, oldest dropped
// first. It has its own lock, not the dispatcher's, so an operator reading thousands of records
// never holds up the sink's workers.

import GatewayStore
import Synchronization

final class AttemptHistory: Sendable {
    private struct Ring {
        /// Grows to `capacity`, then is overwritten in place from `next` (the oldest record).
        var records: [AttemptRecord] = []
        var next = 0
    }

    let capacity: Int
    private let ring = Mutex(Ring())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func record(_ new: [AttemptRecord]) {
        ring.withLock { r in
            for record in new {
                if r.records.count < capacity {
                    r.records.append(record)
                } else {
                    r.records[r.next] = record
                    r.next = (r.next + 1) % capacity
                }
            }
        }
    }

    /// Up to `limit` records, newest first.
    func newest(_ limit: Int) -> [AttemptRecord] {
        ring.withLock { r in
            let count = r.records.count
            return (0..<min(max(0, limit), count)).map { k in r.records[(r.next - 1 - k + count) % count] }
        }
    }

    /// The records of the journal record at `position`, oldest first.
    func records(at position: JournalPosition) -> [AttemptRecord] {
        ring.withLock { r in
            let count = r.records.count
            var found: [AttemptRecord] = []
            for k in 0..<count where r.records[(r.next + k) % count].position == position {
                found.append(r.records[(r.next + k) % count])
            }
            return found
        }
    }
}
