// A validated JSON document kept as its bytes plus one flat token list (see JSONParser): values are
// found by walking tokens and comparing key bytes, and built as `JSONValue` only when read. A
// mapping that reads six fields of a webhook body builds six values, not the body's whole tree.

public struct JSONDocument: Sendable {
    /// A value of the document: the index of its token. `root` is the top-level value.
    public typealias Node = Int

    public enum Kind: UInt8, Sendable {
        case null, `false`, `true`, number, string, array, object
    }

    /// 16 bytes (offsets as UInt32, hence `JSON.maxDocumentBytes`): a W1 body's ~25 tokens then
    /// fit one allocation small enough for glibc's per-thread cache; at 32 bytes a token, a body
    /// over ~230 bytes needed a chunk past its 1 KiB limit, the slow path of malloc and free.
    struct Token: Sendable {
        var kind: Kind
        /// For strings: holds a backslash escape, so the bytes need decoding to be read.
        var escaped: Bool
        /// For strings: every byte is ASCII (escapes included).
        var ascii: Bool
        private var start32: UInt32
        private var size32: UInt32
        private var next32: UInt32

        init(kind: Kind, escaped: Bool, ascii: Bool, start: Int, size: Int, next: Int) {
            self.kind = kind
            self.escaped = escaped
            self.ascii = ascii
            start32 = UInt32(truncatingIfNeeded: start)
            size32 = UInt32(truncatingIfNeeded: size)
            next32 = UInt32(truncatingIfNeeded: next)
        }

        /// Strings: the first byte after the opening quote; numbers and literals: their first byte.
        var start: Int { Int(start32) }
        /// Strings: bytes between the quotes; numbers and literals: their length; containers:
        /// the number of members (object) or elements (array).
        var size: Int {
            get { Int(size32) }
            set { size32 = UInt32(truncatingIfNeeded: newValue) }
        }
        /// The token after this value and everything nested in it. An object's tokens are its
        /// members in order, each a key (a string token) followed by its value.
        var next: Int {
            get { Int(next32) }
            set { next32 = UInt32(truncatingIfNeeded: newValue) }
        }
    }

    /// The document's text (shared with the caller's array, not copied).
    public let bytes: [UInt8]
    let tokens: [Token]

    public init(parsing bytes: [UInt8], maxDepth: Int = JSON.defaultMaxDepth) throws(JSONParseError) {
        if bytes.isEmpty { throw JSONParseError(.empty, at: 0) }
        if bytes.count > JSON.maxDocumentBytes { throw JSONParseError(.tooLarge(limit: JSON.maxDocumentBytes), at: 0) }
        let result: Result<[Token], JSONParseError> = bytes.withUnsafeBufferPointer { buf in
            var p = JSONParser(buf.baseAddress!, count: buf.count, maxDepth: maxDepth)
            do throws(JSONParseError) { try p.parseDocument() } catch { return .failure(error) }
            return .success(p.tokens)
        }
        self.bytes = bytes
        tokens = try result.get()
    }

    public var root: Node { 0 }

    public func kind(_ node: Node) -> Kind { tokens[node].kind }

    /// Members of an object or elements of an array (0 for scalars).
    public func count(_ node: Node) -> Int {
        switch tokens[node].kind {
        case .array, .object: tokens[node].size
        default: 0
        }
    }

    /// The value of the first member named `key` (what `JSONObject`'s subscript finds), or nil
    /// when `node` is not an object or has no such member.
    public func member(_ key: String, of node: Node) -> Node? {
        member(JSONKey(key), of: node)
    }

    /// `member(_:of:)` for a key prepared once (a compiled path's). Keys are compared as bytes; one
    /// that is escaped or not ASCII on either side is compared as a String, whose equality
    /// (canonical equivalence) is what `JSONObject` uses.
    ///
    /// Per webhook a mapping makes ~20 of these look-ups over objects of a few members: a member
    /// whose key has another length is passed over on one compare, and a candidate is compared a
    /// word at a time from the key's prepared words (a byte loop inside two buffer closures cost
    /// ~120 instructions a look-up).
    public func member(_ key: JSONKey, of node: Node) -> Node? {
        tokens.withUnsafeBufferPointer { tk in
            let container = tk[node]
            guard container.kind == .object else { return nil }
            guard key.ascii else { return memberByString(key.text, tokens: tk, from: node + 1, to: container.next) }
            return bytes.withUnsafeBufferPointer { b in
                let base = b.baseAddress!, total = b.count
                var i = node + 1
                while i < container.next {
                    let t = tk[i]
                    if t.escaped || !t.ascii {
                        if decodedKey(i, equals: key.text) { return i + 1 }
                    } else if t.size == key.count && key.matches(base + t.start, readable: total &- t.start) {
                        return i + 1
                    }
                    i = tk[i + 1].next
                }
                return nil
            }
        }
    }

    /// Whether the key at `i` decodes to `text`. Out of line: inlined, the unescaping made the
    /// look-up loop's frame save every register on each call.
    @inline(never)
    private func decodedKey(_ i: Node, equals text: String) -> Bool { string(i) == text }

    /// A key that is not ASCII: every member's key is compared as a String (an ASCII key in the
    /// document can still equal it, e.g. `K` and KELVIN SIGN).
    private func memberByString(_ key: String, tokens tk: UnsafeBufferPointer<Token>, from first: Int, to end: Int) -> Node? {
        var i = first
        while i < end {
            if decodedKey(i, equals: key) { return i + 1 }
            i = tk[i + 1].next
        }
        return nil
    }

    /// The element at `index` of an array (negative counts from the end), or nil.
    public func element(_ index: Int, of node: Node) -> Node? {
        let container = tokens[node]
        guard container.kind == .array else { return nil }
        let position = index < 0 ? container.size + index : index
        guard position >= 0, position < container.size else { return nil }
        var e = node + 1
        for _ in 0..<position { e = tokens[e].next }
        return e
    }

    /// The elements of an array, in order.
    public func elements(of node: Node) -> [Node] {
        let container = tokens[node]
        guard container.kind == .array else { return [] }
        var out: [Node] = []
        out.reserveCapacity(container.size)
        var e = node + 1
        while e < container.next {
            out.append(e)
            e = tokens[e].next
        }
        return out
    }

    /// The decoded text of a string value (or object key), nil for other kinds.
    public func string(_ node: Node) -> String? {
        let t = tokens[node]
        guard t.kind == .string else { return nil }
        return bytes.withUnsafeBufferPointer { b in
            let raw = UnsafeBufferPointer(rebasing: b[t.start..<(t.start + t.size)])
            return t.escaped ? JSONDocument.unescape(raw) : String(decoding: raw, as: UTF8.self)
        }
    }

    /// Calls `body` with a string's UTF-8 bytes in place when they need no decoding (no escape):
    /// a reader that parses the text (a timestamp) then builds no String. Nil for other kinds and
    /// for escaped strings, which `string(_:)` decodes.
    public func withUnescapedUTF8<R>(of node: Node, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let t = tokens[node]
        guard t.kind == .string, !t.escaped else { return nil }
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[t.start..<(t.start + t.size)])) }
    }

    /// The text of a scalar: a string decoded, a number's literal, `true` or `false`; nil for null,
    /// arrays and objects. What a caller that wants text would take out of `value(at:)`, without
    /// building the `JSONValue` first.
    public func scalarText(_ node: Node) -> String? {
        let t = tokens[node]
        switch t.kind {
        case .string: return string(node)
        case .number: return text(t)
        case .true: return "true"
        case .false: return "false"
        case .null, .array, .object: return nil
        }
    }

    /// The value at `node` as a `JSONValue` (its whole subtree).
    public func value(at node: Node) -> JSONValue {
        let t = tokens[node]
        switch t.kind {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .number: return .number(text(t))
        case .string: return .string(string(node)!)
        case .array:
            var items: [JSONValue] = []
            items.reserveCapacity(t.size)
            var e = node + 1
            while e < t.next {
                items.append(value(at: e))
                e = tokens[e].next
            }
            return .array(items)
        case .object:
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(t.size)
            var k = node + 1
            while k < t.next {
                members.append((string(k)!, value(at: k + 1)))
                k = tokens[k + 1].next
            }
            return .object(JSONObject(members))
        }
    }

    /// The whole document as a `JSONValue`.
    public var value: JSONValue { value(at: root) }

    private func text(_ t: Token) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[t.start..<(t.start + t.size)]), as: UTF8.self) }
    }

    /// Decodes the escapes of string bytes the parser already validated.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 { v = v << 4 | UInt32(JSONParser.hexValue(raw[at + k]) ?? 0) }
            return v
        }
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\") else { out.append(b); i += 1; continue }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(i + 2) - 0xDC00)
                    i += 6
                }
                // Validated by the parser: a scalar value, surrogates already paired.
                UTF8.encode(Unicode.Scalar(scalar)!) { out.append($0) }
            default: out.append(e)  // `"`, `\` and `/` stand for themselves
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An object key prepared for `JSONDocument.member`: its UTF-8 bytes, whether they are all ASCII,
/// and its first eight bytes as one word (most keys are no longer), so a look-up compares words.
/// A class so a compiled path owns each key once and walks its steps without reference counting.
public final class JSONKey: Sendable, Hashable {
    public let text: String
    let utf8: [UInt8]
    let ascii: Bool
    /// `utf8.count`.
    let count: Int
    /// The first `min(count, 8)` bytes as loaded from memory (little-endian), zero above them.
    let head: UInt64
    /// The bits of `head` that hold key bytes.
    let headMask: UInt64

    public init(_ text: String) {
        self.text = text
        utf8 = Array(text.utf8)
        ascii = utf8.allSatisfy { $0 < 0x80 }
        count = utf8.count
        var h: UInt64 = 0
        for (i, b) in utf8.prefix(8).enumerated() { h |= UInt64(b) << (8 * i) }
        head = h
        headMask = count >= 8 ? ~0 : (1 << (8 * UInt64(count))) &- 1
    }

    /// Whether the `count` bytes at `p` are this key's; `readable` is how many bytes from `p` lie
    /// inside the document (a word past its end is not loaded).
    @inline(__always)
    func matches(_ p: UnsafePointer<UInt8>, readable: Int) -> Bool {
        guard readable >= 8 else { return sameBytes(p, from: 0) }
        if (UInt64(littleEndian: WordScan.load(p)) ^ head) & headMask != 0 { return false }
        return count <= 8 || sameBytes(p, from: 8)
    }

    /// Byte equality from `start` (`elementsEqual` cost ~165 instructions a call: keys are short).
    private func sameBytes(_ p: UnsafePointer<UInt8>, from start: Int) -> Bool {
        utf8.withUnsafeBufferPointer { k in
            var i = start
            while i < k.count {
                if p[i] != k[i] { return false }
                i += 1
            }
            return true
        }
    }

    public static func == (a: JSONKey, b: JSONKey) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
}
