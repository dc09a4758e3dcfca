// Request or response header fields in arrival order. Names are stored lowercased (HTTP names are
// case-insensitive, RFC 9110 §5.1), so lookups compare bytes once instead of folding case each time.
//
// Each field also keeps its name's bytes as words (`HeaderName.Words`), and a look-up compares
// those, never the strings: the names a webhook's head holds mostly share lengths with the ones
// asked for (webhook-signature and webhook-timestamp, svix-signature and content-length), and
// comparing strings of equal length cost ~180 instructions per look-up over a six-field head.

public struct HeaderFields: Sendable, Equatable, Sequence {
    /// One field: the name (lowercase), its value, and the name's words.
    @usableFromInline
    struct Field: Sendable {
        @usableFromInline var name: String
        @usableFromInline var value: String
        @usableFromInline var words: HeaderName.Words

        @inlinable
        init(name: String, value: String, words: HeaderName.Words) {
            self.name = name
            self.value = value
            self.words = words
        }
    }

    @usableFromInline var list: [Field]

    public init() { list = [] }

    /// The room a request head's list starts with: a webhook brings 6 to 12 fields. Fourteen
    /// fields of 64 bytes (two strings and the name's words) and the array's 32-byte header make
    /// 928 bytes, under the 1032 that glibc's per-thread cache serves; at 16 (1056 bytes) every
    /// request's list went through malloc's and free's slow paths.
    public static let requestHeadCapacity = 14

    /// Empty, with room for `capacity` fields without regrowing.
    public init(capacity: Int) {
        list = []
        list.reserveCapacity(capacity)
    }

    public init(_ pairs: [(String, String)]) {
        list = []
        list.reserveCapacity(pairs.count)
        for (n, v) in pairs { add(n, v) }
    }

    /// The fields as (name, value) pairs in arrival order: a new array (iterate the fields
    /// themselves, `for (name, value) in headers`, to read them without one).
    public var fields: [(name: String, value: String)] { list.map { ($0.name, $0.value) } }

    /// Appends a field; `name` is lowercased here unless the caller promises it already is.
    /// Consuming: the strings move into the list instead of being retained there and released
    /// by the caller (two atomic pairs per field; a request's head adds about eight).
    public mutating func add(_ name: consuming String, _ value: consuming String, nameIsLowercase: Bool = false) {
        let n = nameIsLowercase ? name : HeaderFields.lowercase(name)
        let words = HeaderName.Words(n)
        list.append(Field(name: n, value: value, words: words))
    }

    /// Appends a field whose name (lowercase) the caller has as words already: a decoder has its
    /// bytes at hand, or a table of known names.
    public mutating func add(_ name: consuming String, _ value: consuming String, words: HeaderName.Words) {
        #if DEBUG
        let copied = copy name
        assert(words == HeaderName.Words(copied) && copied == HeaderFields.lowercase(copied), "words of another name")
        #endif
        list.append(Field(name: name, value: value, words: words))
    }

    /// Replaces every field called `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        let n = HeaderName(name)
        list.removeAll { n.isName(of: $0) }
        list.append(Field(name: n.text, value: value, words: n.words))
    }

    public mutating func remove(_ name: String) {
        let n = HeaderName(name)
        list.removeAll { n.isName(of: $0) }
    }

    /// The first value of `name` (case-insensitive).
    public subscript(name: String) -> String? {
        value(HeaderName(name))
    }

    /// The first value of `name`, which the caller promises is lowercase (no case folding).
    public func value(lowercased name: String) -> String? {
        let words = HeaderName.Words(name)
        for i in list.indices where list[i].words == words {
            if words.spellsName || list[i].name == name { return list[i].value }
        }
        return nil
    }

    /// The first value of `name`, whose words were computed when it was made. Inlinable: called
    /// with a name stored in some configuration object, the name is read where it is, not copied
    /// for the call (a retain and a release of its text).
    @inlinable
    public func value(_ name: HeaderName) -> String? {
        for i in list.indices where name.isName(of: list[i]) { return list[i].value }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let n = HeaderName(name)
        return list.filter { n.isName(of: $0) }.map(\.value)
    }

    public var count: Int { list.count }
    public var isEmpty: Bool { list.isEmpty }

    public struct Iterator: IteratorProtocol {
        @usableFromInline var base: IndexingIterator<[Field]>

        @inlinable
        init(base: IndexingIterator<[Field]>) { self.base = base }

        @inlinable
        public mutating func next() -> (name: String, value: String)? {
            guard let f = base.next() else { return nil }
            return (f.name, f.value)
        }
    }

    @inlinable
    public func makeIterator() -> Iterator { Iterator(base: list.makeIterator()) }

    public static func == (a: HeaderFields, b: HeaderFields) -> Bool {
        a.list.count == b.list.count && zip(a.list, b.list).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// ASCII lowercasing; fast path when nothing needs to change.
    public static func lowercase(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b >= 0x41 && b <= 0x5A { needs = true; break }
        guard needs else { return s }
        return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

/// A header name to look up, lowercased, with its words computed once: the names a verification
/// scheme reads are made when its configuration is loaded, not per request.
public struct HeaderName: Sendable, Equatable, CustomStringConvertible {
    /// The name, lowercase.
    public let text: String
    @usableFromInline let words: Words

    public init(_ name: String) {
        text = HeaderFields.lowercase(name)
        words = Words(text)
    }

    public var description: String { text }

    public static func == (a: HeaderName, b: HeaderName) -> Bool { a.text == b.text }

    /// True when `field` is called this name.
    @inlinable @inline(__always)
    func isName(of field: HeaderFields.Field) -> Bool {
        field.words == words && (words.spellsName || field.name == text)
    }

    /// A name's length and bytes as three words: the eight bytes at 0, at 8 (names of 16 bytes
    /// or more) and the eight ending at its end, overlapping the others where the name is shorter
    /// (four-byte halves below 8 bytes, single bytes below 4). Names of up to 24 bytes are then
    /// spelled out completely, so equal words mean equal names; longer ones (rare) need their
    /// strings compared too. The words are machine words of the bytes: compared with each other,
    /// never read as numbers, so the byte order does not matter.
    public struct Words: Sendable, Equatable {
        @usableFromInline var first: UInt64, second: UInt64, last: UInt64
        @usableFromInline var count: Int

        /// True when the words hold every byte of the name.
        @inlinable
        var spellsName: Bool { count <= 24 }

        /// The words of the `count` bytes at `p`.
        @inlinable @inline(__always)
        public init(_ p: UnsafeRawPointer, count n: Int) {
            count = n
            second = 0
            if n >= 8 {
                first = p.loadUnaligned(as: UInt64.self)
                last = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                if n >= 16 { second = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }
            } else if n >= 4 {
                first = UInt64(p.loadUnaligned(as: UInt32.self))
                last = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            } else {
                first = 0
                for i in 0..<n { first |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(8 * i) }
                last = 0
            }
        }

        /// The words of `name`'s UTF-8 bytes as they are. Borrowing: an initializer would take
        /// the string owned, a retain and a release per look-up.
        public init(_ name: borrowing String) {
            self = name.withUTF8Bytes { bytes in
                guard let base = bytes.baseAddress else { return Words(first: 0, second: 0, last: 0, count: 0) }
                return Words(UnsafeRawPointer(base), count: bytes.count)
            }
        }

        @inlinable
        init(first: UInt64, second: UInt64, last: UInt64, count: Int) {
            (self.first, self.second, self.last, self.count) = (first, second, last, count)
        }

        @inlinable @inline(__always)
        public static func == (a: Words, b: Words) -> Bool {
            // The last word first: it tells apart most names that differ, even those sharing a
            // prefix (webhook-…).
            a.last == b.last && a.count == b.count && a.first == b.first && a.second == b.second
        }
    }
}
