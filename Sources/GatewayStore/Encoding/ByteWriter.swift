// Little-endian binary encoding for stored records (events, dedupe entries, sink state). Fixed-width
// integers and length-prefixed bytes: cheap to write on the ingest path and trivially bounded when
// reading back, unlike JSON.
//
// A record is encoded twice by the same code: first only counted, then written straight into an
// array of exactly that size. Written into a growable buffer and copied out, each journal record
// cost two allocations and a copy, and every field two calls into another module (~250
// instructions a string).

import GatewayCore

struct ByteWriter {
    /// Where the bytes go, or nil while the first pass only counts them.
    private let base: UnsafeMutablePointer<UInt8>?
    private let capacity: Int
    /// Bytes counted or written so far.
    private(set) var count = 0

    private init(base: UnsafeMutablePointer<UInt8>?, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// The bytes `encode` writes. It runs twice and must write the same both times.
    static func bytes(_ encode: (inout ByteWriter) -> Void) -> [UInt8] {
        let size = count(encode)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            write(encode, into: buffer.baseAddress, size: size)
            initialized = size
        }
    }

    /// The bytes `encode` writes, lent to `body` from temporary memory (the stack when small): for
    /// a record only copied on, like the dedupe log's 25 bytes per webhook, whose own array cost a
    /// malloc and a free.
    static func withBytes<R>(_ encode: (inout ByteWriter) -> Void, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let size = count(encode)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { buffer in
            write(encode, into: buffer.baseAddress, size: size)
            return body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: size))
        }
    }

    private static func count(_ encode: (inout ByteWriter) -> Void) -> Int {
        var counter = ByteWriter(base: nil, capacity: .max)
        encode(&counter)
        return counter.count
    }

    private static func write(_ encode: (inout ByteWriter) -> Void, into base: UnsafeMutablePointer<UInt8>?, size: Int) {
        var writer = ByteWriter(base: base, capacity: size)
        encode(&writer)
        // Also what keeps a writer that wrote less from exposing uninitialised bytes.
        precondition(writer.count == size, "ByteWriter: \(writer.count) bytes written, \(size) counted")
    }

    /// Copies `n` bytes from `source` (counts them only in the first pass).
    @inline(__always)
    private mutating func put(_ source: UnsafeRawPointer, _ n: Int) {
        if let base {
            precondition(n <= capacity - count, "ByteWriter: more bytes written than counted")
            UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: n)
        }
        count += n
    }

    mutating func raw(_ b: [UInt8]) { b.withUnsafeBytes { if let p = $0.baseAddress { put(p, $0.count) } } }

    mutating func u8(_ v: UInt8) { withUnsafeBytes(of: v) { put($0.baseAddress!, 1) } }

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { put($0.baseAddress!, 4) } }

    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { put($0.baseAddress!, 8) } }

    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    mutating func string(_ s: String) {
        let n = s.utf8.count
        u32(UInt32(n))
        if base == nil {
            count += n
        } else {
            s.withUTF8Bytes { if let p = $0.baseAddress { put(p, $0.count) } }
        }
    }

    mutating func optionalString(_ s: String?) {
        if let s { u8(1); string(s) } else { u8(0) }
    }

    mutating func blob(_ b: [UInt8]) {
        u32(UInt32(b.count))
        raw(b)
    }

    mutating func timestamp(_ t: Timestamp) { i64(t.nanoseconds) }

    mutating func optionalTimestamp(_ t: Timestamp?) {
        if let t { u8(1); timestamp(t) } else { u8(0) }
    }

    mutating func optionalInt(_ v: Int?) {
        if let v { u8(1); i64(Int64(v)) } else { u8(0) }
    }

    mutating func position(_ p: JournalPosition) {
        u64(p.segment)
        u64(p.offset)
    }
}
