// Request or response header fields in arrival order. Names are stored lowercased (HTTP names are
// case-insensitive, RFC 9110 §5.1), so lookups compare bytes once instead of folding case each time.

public struct HeaderFields: Sendable, Equatable, Sequence {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }

    /// Empty, with room for `capacity` fields (a request's usual dozen without regrowing).
    public init(capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    public init(_ pairs: [(String, String)]) {
        fields = []
        fields.reserveCapacity(pairs.count)
        for (n, v) in pairs { add(n, v) }
    }

    /// Appends a field; `name` is lowercased here unless the caller promises it already is.
    /// Consuming: the strings move into the list instead of being retained there and released
    /// by the caller (two atomic pairs per field; a request's head adds about eight).
    public mutating func add(_ name: consuming String, _ value: consuming String, nameIsLowercase: Bool = false) {
        fields.append((nameIsLowercase ? name : HeaderFields.lowercase(name), value))
    }

    /// Replaces every field called `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        let n = HeaderFields.lowercase(name)
        fields.removeAll { $0.name == n }
        fields.append((n, value))
    }

    public mutating func remove(_ name: String) {
        let n = HeaderFields.lowercase(name)
        fields.removeAll { $0.name == n }
    }

    /// The first value of `name` (case-insensitive).
    public subscript(name: String) -> String? {
        value(lowercased: HeaderFields.lowercase(name))
    }

    /// The first value of `name`, which the caller promises is lowercase (no case folding). Lengths
    /// are compared first: names mostly differ in length. Equal lengths are common all the same
    /// (webhook-signature and webhook-timestamp, svix-signature and content-length).
    public func value(lowercased name: String) -> String? {
        let length = name.utf8.count
        for i in fields.indices where fields[i].name.utf8.count == length {
            if Self.sameName(fields[i].name, name, count: length) { return fields[i].value }
        }
        return nil
    }

    /// `a == b` for two names of `count` UTF-8 bytes each. Up to 15 bytes a string is stored
    /// inline and `==` compares two words; longer ones went through the standard library's general
    /// comparison (~86 instructions, eight per webhook), so their bytes are compared here. Header
    /// names are tokens (ASCII: the request parser refuses anything else), and an ASCII string is
    /// canonically equivalent only to itself among strings of its length: equal bytes are exactly
    /// what `==` would decide.
    private static func sameName(_ a: String, _ b: String, count: Int) -> Bool {
        guard count > 15 else { return a == b }
        return a.withUTF8Bytes { x in b.withUTF8Bytes { y in sameWords(x.baseAddress!, y.baseAddress!, count: count) } }
    }

    /// Byte equality of `count` (at least 8) bytes, eight at a time, the last word overlapping the
    /// one before: a call to memcmp cost more than the comparison itself.
    private static func sameWords(_ p: UnsafePointer<UInt8>, _ q: UnsafePointer<UInt8>, count: Int) -> Bool {
        let p = UnsafeRawPointer(p), q = UnsafeRawPointer(q)
        var offset = 0
        while offset + 8 < count {
            if p.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != q.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset += 8
        }
        return p.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == q.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let n = HeaderFields.lowercase(name)
        return fields.filter { $0.name == n }.map(\.value)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (a: HeaderFields, b: HeaderFields) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// ASCII lowercasing; fast path when nothing needs to change.
    public static func lowercase(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b >= 0x41 && b <= 0x5A { needs = true; break }
        guard needs else { return s }
        return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
