// The frame around every stored record: [u32 payload length][u32 CRC32C of payload][payload], both
// integers little-endian. Used by journal segments, the dedupe log and the sink state logs, so one
// scanner (FrameScanner) handles torn tails and corruption everywhere.

enum RecordFrame {
    static let headerSize = 8
    /// Upper bound on one payload. Lets a reader reject a garbage length before trusting it; webhook
    /// bodies are limited far below this by the HTTP server.
    static let maxPayload = 1 << 30

    static func appendHeader(to buffer: inout [UInt8], length: Int, crc: UInt32) {
        withUnsafeBytes(of: UInt32(length).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: crc.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// Appends a framed payload to `buffer`.
    static func append(_ payload: [UInt8], to buffer: inout [UInt8]) {
        payload.withUnsafeBytes { append($0, to: &buffer) }
    }

    static func append(_ payload: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        appendHeader(to: &buffer, length: payload.count, crc: CRC32C.checksum(payload))
        buffer.append(contentsOf: payload)
    }

    static func readHeader(_ raw: UnsafeRawBufferPointer, at i: Int) -> (length: Int, crc: UInt32) {
        let length = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
        let crc = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
        return (Int(length), crc)
    }

    /// Whether a complete, CRC-valid frame starts at `i` and ends at or before `end`. Empty payloads
    /// are never written, so a zero length (what a zero-filled tail after a crash looks like) is
    /// invalid rather than an endless run of empty records.
    static func isValid(_ raw: UnsafeRawBufferPointer, at i: Int, end: Int) -> Bool {
        guard i >= 0, end - i >= headerSize else { return false }
        let (length, crc) = readHeader(raw, at: i)
        guard length > 0, length <= maxPayload, length <= end - i - headerSize else { return false }
        let payload = UnsafeRawBufferPointer(rebasing: raw[(i + headerSize)..<(i + headerSize + length)])
        return CRC32C.checksum(payload) == crc
    }
}
