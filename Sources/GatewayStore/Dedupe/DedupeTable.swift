// The dedupe index's table: DedupeKey → entry, in 32-byte slots of flat arrays (open addressing,
// linear probing, backward-shift deletion, so no tombstones build up as keys expire). A look-up
// touches one or two adjacent slots, where a Dictionary<String, …> read its bucket map, the key's
// string object and the value: this cut the dedupe share of the ingest path's CPU (docs/PERFORMANCE.md).
//
// Split over 64 shards (chosen by the key's high bits, slots by its low bits) because growing
// rehashes: a shard holds 1/64 of the keys, so the insert that doubles it, and the copy-on-write
// after a compaction snapshot, pause the event loop for 1/64 of the table.

import GatewayCore

struct DedupeTable {
    struct Entry: Equatable {
        var key: DedupeKey
        var time: Timestamp
        /// Matches the entry to its expiry-queue slot, so a stale slot never removes a re-claimed key.
        var sequence: UInt64
        var committed: Bool
    }

    /// An entry as stored: `high == 0 && low == 0` is a free slot (DedupeKey never has that value).
    private struct Slot {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var time: Int64 = 0
        /// sequence << 1 | committed
        var bits: UInt64 = 0

        var isFree: Bool { high == 0 && low == 0 }

        init() {}

        init(_ e: Entry) {
            high = e.key.high
            low = e.key.low
            time = e.time.nanoseconds
            bits = e.sequence << 1 | (e.committed ? 1 : 0)
        }

        var entry: Entry {
            Entry(key: DedupeKey(high: high, low: low), time: Timestamp(nanoseconds: time), sequence: bits >> 1,
                  committed: bits & 1 == 1)
        }

        func holds(_ key: DedupeKey) -> Bool { high == key.high && low == key.low }
    }

    private struct Shard {
        var slots = [Slot](repeating: Slot(), count: 16)
        /// `slots.count - 1`, kept here rather than read from the array: the array's header and
        /// the probed slot are two cache lines far apart, and in a table of a million keys both
        /// missed on every look-up (`perf annotate` under W1: the header load took a third of
        /// `find`'s samples, the slot load the rest).
        private(set) var mask = 15
        var count = 0

        func home(_ low: UInt64) -> Int { Int(truncatingIfNeeded: low) & mask }

        /// The slot holding `key`, or the free slot where it would go.
        func find(_ key: DedupeKey) -> (index: Int, found: Bool) {
            // Unchecked reads: `i` is masked into range, and a checked `slots[i]` loads the count
            // from the header this avoids.
            slots.withUnsafeBufferPointer { slots in
                var i = home(key.low)
                while true {
                    let s = slots[i]
                    if s.isFree { return (i, false) }
                    if s.holds(key) { return (i, true) }
                    i = (i &+ 1) & mask
                }
            }
        }

        /// Whether one more entry would pass 3/4 load (linear probing degrades past it).
        var isFull: Bool { (count + 1) * 4 > (mask + 1) * 3 }

        /// Doubles the slots, rehashing every entry into its new home.
        mutating func grow() {
            let old = slots
            slots = [Slot](repeating: Slot(), count: old.count * 2)
            mask = slots.count - 1
            for s in old where !s.isFree {
                var i = home(s.low)
                while !slots[i].isFree { i = (i + 1) & mask }
                slots[i] = s
            }
        }

        /// Frees slot `hole`, shifting later entries of its probe run back so every entry stays
        /// reachable from its home slot without a tombstone.
        mutating func remove(at hole: Int) {
            var hole = hole
            var j = hole
            while true {
                j = (j + 1) & mask
                let s = slots[j]
                if s.isFree { break }
                // The entry at j may fill the hole only if the hole lies between its home and j.
                let distanceFromHome = (j - home(s.low)) & mask
                if (j - hole) & mask <= distanceFromHome {
                    slots[hole] = s
                    hole = j
                }
            }
            slots[hole] = Slot()
            count -= 1
        }
    }

    private static var shardCount: Int { 64 }
    private var shards = [Shard](repeating: Shard(), count: DedupeTable.shardCount)
    private(set) var count = 0

    private static func shard(_ key: DedupeKey) -> Int { Int(truncatingIfNeeded: key.high >> 58) }

    subscript(key: DedupeKey) -> Entry? {
        let shard = shards[Self.shard(key)]
        let (i, found) = shard.find(key)
        return found ? shard.slots[i].entry : nil
    }

    /// Reads and updates the entry of `key` with one probe sequence: nil in, a value out inserts;
    /// a value in, nil out removes. The body must not change the entry's key.
    mutating func modify<R>(_ key: DedupeKey, _ body: (inout Entry?) -> R) -> R {
        let s = Self.shard(key)
        var (i, found) = shards[s].find(key)
        var value = found ? shards[s].slots[i].entry : nil
        let result = body(&value)
        switch (found, value) {
        case (true, let v?):
            precondition(v.key == key, "DedupeTable.modify changed an entry's key")
            shards[s].slots[i] = Slot(v)
        case (true, nil):
            shards[s].remove(at: i)
            count -= 1
        case (false, let v?):
            precondition(v.key == key, "DedupeTable.modify inserted under another key")
            // Grown only when inserting: look-ups and removals never resize.
            if shards[s].isFull {
                shards[s].grow()
                i = shards[s].find(key).index
            }
            shards[s].slots[i] = Slot(v)
            shards[s].count += 1
            count += 1
        case (false, nil):
            break
        }
        return result
    }

    /// Removes `key` if its entry satisfies `condition`.
    mutating func remove(_ key: DedupeKey, if condition: (Entry) -> Bool) {
        modify(key) { slot in
            if let e = slot, condition(e) { slot = nil }
        }
    }

    /// Every entry, shard by shard (order unspecified).
    var all: [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(count)
        for shard in shards {
            for s in shard.slots where !s.isFree { out.append(s.entry) }
        }
        return out
    }
}
