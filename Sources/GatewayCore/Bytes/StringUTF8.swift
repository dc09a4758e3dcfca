// A string's UTF-8 bytes without copying the string: the writers on the ingest path read about
// forty-five strings per webhook, and `withUTF8` (a mutating method, so called on a copy) cost a
// retain and a release each.

extension String {
    /// Calls `body` with the string's UTF-8. Native strings are read in place; a bridged string
    /// (never on Linux) is made contiguous first.
    @inlinable
    public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
