// Reads what ByteWriter wrote, checking every length against the bytes left so a truncated or
// corrupt record becomes a StoreError.invalid instead of a crash or a huge allocation.

import GatewayCore

struct ByteReader {
    let bytes: [UInt8]
    var index: Int
    let what: String

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.index = 0
        self.what = what
    }

    var remaining: Int { bytes.count - index }
    var isAtEnd: Bool { index == bytes.count }

    private func fail(_ why: String) -> StoreError {
        .invalid("\(what): \(why) at byte \(index) of \(bytes.count)")
    }

    private mutating func need(_ n: Int) throws(StoreError) {
        guard n >= 0, remaining >= n else { throw fail("truncated (needs \(n) more bytes)") }
    }

    mutating func u8() throws(StoreError) -> UInt8 {
        try need(1)
        defer { index += 1 }
        return bytes[index]
    }

    mutating func u32() throws(StoreError) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[index + i]) << (8 * UInt32(i)) }
        index += 4
        return v
    }

    mutating func u64() throws(StoreError) -> UInt64 {
        try need(8)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[index + i]) << (8 * UInt64(i)) }
        index += 8
        return v
    }

    mutating func i64() throws(StoreError) -> Int64 { Int64(bitPattern: try u64()) }

    mutating func flag() throws(StoreError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let b: throw fail("bad presence flag \(b)")
        }
    }

    mutating func string() throws(StoreError) -> String {
        let n = Int(try u32())
        try need(n)
        let slice = bytes[index..<(index + n)]
        guard let s = String(validating: slice, as: UTF8.self) else { throw fail("invalid UTF-8") }
        index += n
        return s
    }

    mutating func optionalString() throws(StoreError) -> String? {
        try flag() ? try string() : nil
    }

    mutating func blob() throws(StoreError) -> [UInt8] {
        let n = Int(try u32())
        try need(n)
        defer { index += n }
        return Array(bytes[index..<(index + n)])
    }

    mutating func timestamp() throws(StoreError) -> Timestamp { Timestamp(nanoseconds: try i64()) }

    mutating func optionalTimestamp() throws(StoreError) -> Timestamp? {
        try flag() ? try timestamp() : nil
    }

    mutating func optionalInt() throws(StoreError) -> Int? {
        try flag() ? Int(try i64()) : nil
    }

    mutating func position() throws(StoreError) -> JournalPosition {
        JournalPosition(segment: try u64(), offset: try u64())
    }

    func expectEnd() throws(StoreError) {
        guard isAtEnd else { throw fail("\(remaining) unexpected trailing bytes") }
    }
}
