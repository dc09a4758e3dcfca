// The dedupe index's sharded key table behaves like one dictionary: lookups, updates, removals,
// in-place modification and the count agree with a plain Dictionary fed the same operations.

import Testing
@testable import GatewayStore

@Suite struct ShardedTableTests {
    @Test func agreesWithADictionaryUnderRandomOperations() {
        var table = ShardedTable<Int>()
        var reference: [String: Int] = [:]
        var generator = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            let key = "evt_\(Int.random(in: 0..<3000, using: &generator))"
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                table[key] = step
                reference[key] = step
            case 1:
                // One look-up: insert when absent, remove when present (the count must follow).
                let seen = table.modify(key) { slot -> Int? in
                    defer { slot = slot == nil ? step : nil }
                    return slot
                }
                #expect(seen == reference[key])
                reference[key] = reference[key] == nil ? step : nil
            default:
                table[key] = nil
                reference[key] = nil
            }
            #expect(table[key] == reference[key])
        }
        #expect(table.count == reference.count)
        #expect(Dictionary(uniqueKeysWithValues: table.all.map { ($0.key, $0.value) }) == reference)
    }
}
