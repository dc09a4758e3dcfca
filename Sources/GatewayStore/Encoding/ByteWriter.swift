// Little-endian binary encoding for stored records (events, dedupe entries, sink state). Fixed-width
// integers and length-prefixed bytes: cheap to write on the ingest path and trivially bounded when
// reading back, unlike JSON.

import GatewayCore

struct ByteWriter: ~Copyable {
    private var out: ByteBuffer

    init(capacity: Int = 256) { out = ByteBuffer(capacity: capacity) }

    var bytes: [UInt8] { out.array }

    mutating func raw(_ b: [UInt8]) { out.append(b) }

    mutating func u8(_ v: UInt8) { out.append(v) }

    mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { out.append($0.assumingMemoryBound(to: UInt8.self)) }
    }

    mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { out.append($0.assumingMemoryBound(to: UInt8.self)) }
    }

    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    mutating func string(_ s: String) {
        u32(UInt32(s.utf8.count))
        out.append(utf8: s)
    }

    mutating func optionalString(_ s: String?) {
        if let s { u8(1); string(s) } else { u8(0) }
    }

    mutating func blob(_ b: [UInt8]) {
        u32(UInt32(b.count))
        out.append(b)
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
