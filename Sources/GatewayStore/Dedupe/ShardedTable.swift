// The dedupe index's key table, split over 64 dictionaries. A Swift Dictionary rehashes every key
// when it grows: measured on this machine, the insert that grows a table of 393k dedupe-sized
// entries takes 131 ms and at 786k 300 ms, all of it on the event loop (claims run there) and seen
// as p99 spikes of 100-300 ms under W1. A shard holds 1/64 of the keys, so its growth, and the
// copy-on-write after a compaction snapshot, costs 1/64 of that.

struct ShardedTable<Value> {
    private static var shardCount: Int { 64 }
    private var shards: [[String: Value]] = Array(repeating: [:], count: ShardedTable.shardCount)
    private(set) var count = 0

    /// FNV-1a over the key's bytes: cheaper than a second SipHash, and event ids are uniform anyway.
    private static func shard(_ key: String) -> Int {
        var h: UInt32 = 2_166_136_261
        for b in key.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return Int(h % UInt32(shardCount))
    }

    subscript(key: String) -> Value? {
        get { shards[Self.shard(key)][key] }
        set {
            let i = Self.shard(key)
            if let newValue {
                if shards[i].updateValue(newValue, forKey: key) == nil { count += 1 }
            } else if shards[i].removeValue(forKey: key) != nil {
                count -= 1
            }
        }
    }

    /// Reads and updates the value of `key` with one hash look-up (a get then a set would hash
    /// twice: the dedupe claim and commit each did both).
    mutating func modify<R>(_ key: String, _ body: (inout Value?) -> R) -> R {
        let (result, delta) = Self.apply(body, to: &shards[Self.shard(key)][key])
        count += delta
        return result
    }

    private static func apply<R>(_ body: (inout Value?) -> R, to slot: inout Value?) -> (R, Int) {
        let existed = slot != nil
        let result = body(&slot)
        return (result, (slot != nil ? 1 : 0) - (existed ? 1 : 0))
    }

    /// Every entry, shard by shard (order unspecified).
    var all: [(key: String, value: Value)] { shards.flatMap { $0.map { (key: $0.key, value: $0.value) } } }
}
