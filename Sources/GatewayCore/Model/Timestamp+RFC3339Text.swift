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

    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
        }
    }
}
