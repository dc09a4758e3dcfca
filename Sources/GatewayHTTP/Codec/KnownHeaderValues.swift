// Header values that arrive on nearly every webhook, returned as string literals when the bytes
// match exactly (values keep their case, so no folding). `application/json` is 16 bytes, one
// past Swift's inline small-string limit: without this every JSON webhook allocated for it.

#if canImport(Glibc)
import Glibc
#endif

enum KnownHeaderValues {
    /// The literal for `raw` when it is one of the known values byte for byte, else nil.
    static func match(_ raw: UnsafeRawBufferPointer) -> String? {
        switch raw.count {
        case 16: equals(raw, "application/json") ? "application/json" : nil
        case 31: equals(raw, "application/json; charset=utf-8") ? "application/json; charset=utf-8" : nil
        case 33: equals(raw, "application/x-www-form-urlencoded") ? "application/x-www-form-urlencoded" : nil
        default: nil
        }
    }

    private static func equals(_ raw: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        memcmp(raw.baseAddress!, literal.utf8Start, raw.count) == 0
    }
}
