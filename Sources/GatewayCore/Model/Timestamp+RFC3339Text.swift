// One instant's RFC 3339 text, formatted once and held inline (no heap): every RFC 3339 form the
// gateway writes (`Timestamp.rfc3339`, `JSONWriter.timestamp`) is made here. An envelope writes
// each of its two instants twice (`time`/`occurred_at`, `recordedtime`/`received_at`) from one.

public struct RFC3339Text: Sendable {
    /// Room for `Timestamp.maxRFC3339Length` (30) bytes.
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var count = 0

    /// `fractionDigits` as in `Timestamp.rfc3339(fractionDigits:)`.
    public init(_ t: Timestamp, fractionDigits: Int? = 3) {
        count = withUnsafeMutableBytes(of: &storage) { raw in
            t.writeRFC3339(to: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), fractionDigits: fractionDigits)
        }
    }

    /// The bytes `copyStorage` stores: room for the longest text and some bytes past it.
    static let storageSize = 32

    /// Stores all `storageSize` bytes of the storage at `p` (the text and whatever follows it, in
    /// four word moves rather than a call to copy `count` bytes); returns the text's length.
    @inline(__always)
    func copyStorage(to p: UnsafeMutablePointer<UInt8>) -> Int {
        withUnsafeBytes(of: storage) { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: RFC3339Text.storageSize) }
        return count
    }

    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
        }
    }
}
