// The dedupe index's key fingerprint and table: MurmurHash3 against published and reference
// vectors, and the open-addressing table against a Dictionary fed the same operations, with keys
// forced into one shard and few home slots so probing, growth and backward-shift deletion all run.

import GatewayCore
import Testing
@testable import GatewayStore

@Suite struct DedupeTableTests {
    @Test(arguments: [
        // The first two are MurmurHash3_x64_128's published values; the rest (block boundaries, a
        // 30-byte event id, non-ASCII) come from a reference implementation of the algorithm.
        ("The quick brown fox jumps over the lazy dog", 0xE34B_BC7B_BC07_1B6C as UInt64, 0x7A43_3CA9_C49A_9347 as UInt64),
        ("hello", 0xCBD8_A7B3_41BD_9B02, 0x5B1E_906A_48AE_1D19),
        ("0123456789abcdef", 0x4BE0_6D94_CF4A_D1A7, 0x87C3_5B5C_63A7_08DA),
        ("0123456789abcdefg", 0x8E32_612D_AA45_F9DE, 0x0800_F4C2_06C3_72EE),
        ("evt_5g2kq7d3xw1mz8r4t6yb9cjh0n", 0xBE6C_B03F_B643_378C, 0x95C4_AD6C_272C_BDF8),
        ("héllo wörld", 0x6B75_7453_F10A_333B, 0x4432_D052_F778_8963),
    ])
    func keyIsMurmurHash3(text: String, high: UInt64, low: UInt64) {
        let key = DedupeKey(text)
        #expect(key.high == high)
        #expect(key.low == low)
    }

    @Test func emptyKeyIsNotTheFreeSlotMarker() {
        let key = DedupeKey("")
        #expect(Murmur3.hash128(UnsafeRawBufferPointer(start: nil, count: 0)) == (0, 0))
        #expect(key.high == 0 && key.low == 1)
        // So the table can hold it: stored, found, and not mistaken for a free slot.
        var table = DedupeTable()
        let entry = DedupeTable.Entry(key: key, time: Timestamp(nanoseconds: 1), sequence: 1, committed: true)
        table.modify(key) { $0 = entry }
        #expect(table[key] == entry && table.count == 1)
    }

    @Test func agreesWithADictionaryUnderRandomOperations() {
        var table = DedupeTable()
        var reference: [DedupeKey: DedupeTable.Entry] = [:]
        var generator = SystemRandomNumberGenerator()
        // 1000 keys, all in shard 0 (high bits zero), homes spread over only 64 slots of low bits:
        // long probe runs that wrap around the end of the slots.
        let keys = (0..<1000).map { (i: Int) -> DedupeKey in
            let spread = UInt64(i) << 32
            return DedupeKey(high: UInt64(i + 1), low: UInt64(i % 64) | spread)
        }
        // Counted rather than #expect-ed per step: 20 000 expectations took seconds in debug builds.
        var mismatches = 0
        for step in 0..<20_000 {
            let key = keys[Int.random(in: 0..<keys.count, using: &generator)]
            let entry = DedupeTable.Entry(key: key, time: Timestamp(nanoseconds: Int64(step)), sequence: UInt64(step),
                                          committed: step % 2 == 0)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                // One look-up: insert when absent, remove when present (the count must follow).
                let seen = table.modify(key) { slot -> DedupeTable.Entry? in
                    defer { slot = slot == nil ? entry : nil }
                    return slot
                }
                if seen != reference[key] { mismatches += 1 }
                reference[key] = reference[key] == nil ? entry : nil
            case 1:
                table.modify(key) { $0 = entry }
                reference[key] = entry
            default:
                table.remove(key) { $0.committed }
                if reference[key]?.committed == true { reference[key] = nil }
            }
            if table[key] != reference[key] { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(table.count == reference.count)
        #expect(Dictionary(uniqueKeysWithValues: table.all.map { ($0.key, $0) }) == reference)
        // Every surviving key is still found after all the shifting.
        #expect(reference.allSatisfy { table[$0.key] == $0.value })
    }
}
