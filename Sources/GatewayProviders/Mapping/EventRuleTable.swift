// A mapping's rules by exact vendor event name, found from the name's bytes: one multiplicative
// hash over its words and one byte comparison, where `[String: EventRule]` spent ~480 instructions
// a webhook (SipHash over the name, then a String comparison). The table is built once at load
// and never changes, so a name chosen to collide only walks entries the provider file defines.

struct EventRuleTable: Sendable {
    private let rules: [MappingNormalizer.EventRule]
    private let names: [[UInt8]]
    private let hashes: [UInt64]
    /// Open addressing with linear probing: an entry's index + 1, 0 for an empty slot. At least
    /// twice as many slots as entries, a power of two.
    private let slots: [Int32]

    init(_ rules: [String: MappingNormalizer.EventRule]) {
        let pairs = Array(rules)
        self.rules = pairs.map(\.value)
        names = pairs.map { Array($0.key.utf8) }
        hashes = names.map { $0.withUnsafeBufferPointer(Self.hash) }
        var size = 8
        while size < 2 * pairs.count { size *= 2 }
        var slots = [Int32](repeating: 0, count: size)
        for (i, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & (size - 1)
            while slots[s] != 0 { s = (s + 1) & (size - 1) }
            slots[s] = Int32(i + 1)
        }
        self.slots = slots
    }

    func rule(named name: String) -> MappingNormalizer.EventRule? {
        if let found = name.utf8.withContiguousStorageIfAvailable(rule(utf8:)) { return found }
        return Array(name.utf8).withUnsafeBufferPointer(rule(utf8:))
    }

    private func rule(utf8 name: UnsafeBufferPointer<UInt8>) -> MappingNormalizer.EventRule? {
        let h = Self.hash(name)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[s]) - 1
            if entry < 0 { return nil }
            if hashes[entry] == h, names[entry].withUnsafeBufferPointer({ Self.same($0, name) }) { return rules[entry] }
            s = (s + 1) & mask
        }
    }

    /// Byte equality a word at a time (`elementsEqual` cost ~165 instructions a call).
    private static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var i = 0
        while i + 8 <= a.count {
            if UnsafeRawPointer(a.baseAddress! + i).loadUnaligned(as: UInt64.self)
                != UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self) { return false }
            i += 8
        }
        while i < a.count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// A multiplicative hash a word at a time (event names are 10-40 bytes). Not keyed: the keys
    /// are fixed at load, so a collision costs a request at most a walk over the file's names.
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b.count)
        var i = 0
        while i + 8 <= b.count {
            h = (h ^ UInt64(littleEndian: UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self))) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < b.count {
            tail |= UInt64(b[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }
}
