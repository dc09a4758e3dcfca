// Reads framed records from the region [start, limit) of one file through a window buffer, so a
// read costs one pread per window rather than one per record. The window starts small (a reader
// asking for one record should not pull a megabyte) and doubles up to 1 MiB on long scans.
//
// Corruption and resynchronisation: when the frame at offset X fails (bad length or bad CRC), the
// scanner looks for the next offset where a valid frame starts:
//   1. If X's length field is plausible and a valid frame (or exactly the end of the region) follows
//      it, only X's payload is damaged: skip exactly that record. This is the common bit-rot case and
//      never looks inside a payload.
//   2. Otherwise the length itself is damaged: try every later byte offset and take the first one
//      holding a complete frame with a matching CRC32C (a false match on random bytes needs the
//      32-bit CRC to agree, about 1 in 4 billion per candidate; garbage lengths are rejected before
//      any CRC is computed, so the scan is cheap). Caveat: a frame embedded inside a damaged
//      record's payload (a webhook body containing frame-shaped bytes) could be picked up here; the
//      event decoder rejects payloads that are not StoredEvent encodings.
// If nothing valid follows, the damage runs to the end of the region: a torn tail.

struct FrameScanner {
    enum Step {
        case record(offset: UInt64, payload: [UInt8], next: UInt64)
        /// Bytes [offset, resume) hold no valid record. `resume == limit` means a torn tail.
        case corrupt(offset: UInt64, resume: UInt64, reason: String)
        case end
    }

    static let maxWindow = 1 << 20

    let file: FileDescriptor
    let limit: UInt64
    private var window: [UInt8] = []
    private var windowStart: UInt64 = 0
    private var nextWindow: Int

    init(file: FileDescriptor, limit: UInt64, initialWindow: Int = 64 << 10) {
        self.file = file
        self.limit = limit
        nextWindow = initialWindow
    }

    /// Makes the window cover [offset, offset + count); returns false if the file is shorter.
    private mutating func load(_ offset: UInt64, _ count: Int) throws(StoreError) -> Bool {
        if offset >= windowStart && offset + UInt64(count) <= windowStart + UInt64(window.count) { return true }
        let available = Int(limit - offset)
        let want = min(available, max(count, nextWindow))
        nextWindow = min(nextWindow * 2, FrameScanner.maxWindow)
        window = try file.read(count: want, at: offset)
        windowStart = offset
        return window.count >= count
    }

    /// The record at `offset`, or the corrupt range starting there, or `.end` at the limit.
    mutating func step(at offset: UInt64) throws(StoreError) -> Step {
        if offset >= limit { return .end }
        let header = RecordFrame.headerSize
        guard limit - offset >= UInt64(header) else {
            return .corrupt(offset: offset, resume: limit, reason: "truncated frame header")
        }
        guard try load(offset, header) else {
            return .corrupt(offset: offset, resume: limit, reason: "file shorter than expected")
        }
        let at = Int(offset - windowStart)
        let (length, crc) = window.withUnsafeBytes { RecordFrame.readHeader($0, at: at) }
        guard length > 0, length <= RecordFrame.maxPayload, UInt64(length) <= limit - offset - UInt64(header) else {
            let resume = try resynchronise(after: offset, claimedLength: nil)
            return .corrupt(offset: offset, resume: resume, reason: "invalid length \(length)")
        }
        guard try load(offset, header + length) else {
            return .corrupt(offset: offset, resume: limit, reason: "file shorter than expected")
        }
        let start = Int(offset - windowStart) + header
        let actual = window.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
        guard actual == crc else {
            let resume = try resynchronise(after: offset, claimedLength: length)
            return .corrupt(offset: offset, resume: resume, reason: "CRC32C mismatch")
        }
        return .record(offset: offset, payload: Array(window[start..<(start + length)]), next: offset + UInt64(header + length))
    }

    /// Whether every byte of [offset, limit) is zero: the unused end of a prepared journal segment.
    /// After a scan that ended in a torn tail the window already holds that range (the
    /// resynchronisation loaded it), so this reads nothing more.
    mutating func isZeroFilled(from offset: UInt64) throws(StoreError) -> Bool {
        guard offset < limit else { return true }
        let count = Int(limit - offset)
        guard try load(offset, count) else { return false }
        let start = Int(offset - windowStart)
        return !window[start..<(start + count)].contains { $0 != 0 }
    }

    /// The first offset after `bad` where a valid frame starts, or `limit` if none does.
    private mutating func resynchronise(after bad: UInt64, claimedLength: Int?) throws(StoreError) -> UInt64 {
        let rest = Int(limit - bad)
        guard try load(bad, rest) else { return limit }
        let base = Int(bad - windowStart)
        let end = base + rest
        return window.withUnsafeBytes { raw -> UInt64 in
            if let length = claimedLength {
                let after = base + RecordFrame.headerSize + length
                if after == end || RecordFrame.isValid(raw, at: after, end: end) {
                    return windowStart + UInt64(after)
                }
            }
            var i = base + 1
            while i + RecordFrame.headerSize <= end {
                if RecordFrame.isValid(raw, at: i, end: end) { return windowStart + UInt64(i) }
                i += 1
            }
            return limit
        }
    }
}
