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
        let at = index
        index += 4
        return bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
    }

    mutating func u64() throws(StoreError) -> UInt64 {
        try need(8)
        let at = index
        index += 8
        return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
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
        let range = index..<(index + n)
        // Validating from a contiguous buffer takes the standard library's fast path.
        let decoded = bytes.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
        guard let s = decoded else { throw fail("invalid UTF-8") }
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

    /// Steps over a length-prefixed field (string or blob) without copying it.
    mutating func skipField() throws(StoreError) {
        let n = Int(try u32())
        try need(n)
        index += n
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
