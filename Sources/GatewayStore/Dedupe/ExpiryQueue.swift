// FIFO of dedupe claims in arrival order. An array with a moving head: appends and pops are O(1)
// amortised without the per-element allocation of a linked list; the consumed prefix is dropped
// once it is half the storage.

import GatewayCore

struct ExpiryQueue {
    struct Slot {
        var key: DedupeKey
        var time: Timestamp
        var sequence: UInt64
    }

    private var slots: [Slot] = []
    private var head = 0

    var count: Int { slots.count - head }
    var first: Slot? { head < slots.count ? slots[head] : nil }

    mutating func append(key: DedupeKey, time: Timestamp, sequence: UInt64) {
        slots.append(Slot(key: key, time: time, sequence: sequence))
    }

    mutating func popFirst() -> Slot? {
        guard head < slots.count else { return nil }
        let slot = slots[head]
        head += 1
        if head > 1024 && head * 2 > slots.count {
            slots.removeFirst(head)
            head = 0
        }
        return slot
    }
}
