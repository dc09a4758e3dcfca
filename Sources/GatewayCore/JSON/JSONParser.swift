// Strict RFC 8259 JSON parser working on raw bytes: the ingest path parses every webhook body, so it
// avoids Foundation (JSONSerialization costs ~9 µs for a 215-byte body and loses number text).
// Numbers keep their literal text, strings are UTF-8 validated, nesting is bounded.
//
// It validates the whole document and records it as a flat token list (`JSONDocument`) without
// building values: a mapping reads a handful of fields, and a tree of every string, array and
// object, built and then freed per webhook, cost more than the rest of the parse (~10% of the
// gateway's instructions under W1). `JSON.parse` builds the full `JSONValue` from those tokens.

public enum JSON {
    /// Default nesting limit: deep enough for any real webhook, shallow enough that a hostile body
    /// cannot exhaust the stack of the recursive descent.
    public static let defaultMaxDepth = 128

    /// The longest document a parse accepts: tokens keep offsets in 32 bits. Far above any body
    /// or file the gateway reads (request bodies are capped by `server.body_limit`, at most 1 GiB).
    public static let maxDocumentBytes = Int(UInt32.max)

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try JSONDocument(parsing: bytes, maxDepth: maxDepth).value
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse([UInt8](bytes), maxDepth: maxDepth)
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }
}

struct JSONParser {
    private let p: UnsafePointer<UInt8>
    private let end: Int
    private var i = 0
    private let maxDepth: Int
    private(set) var tokens: [JSONDocument.Token] = []

    /// `base` must stay valid for the parser's lifetime; callers reject empty input first.
    init(_ base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        p = base
        end = count
        self.maxDepth = maxDepth
        // About one token per 8 bytes of a typical webhook body, more just grows once or twice; at
        // most 256 up front (4 KiB): a 64 KiB transcript may hold 20 tokens, and reserving 8 192 of
        // them was a 128 KiB allocation per request.
        tokens.reserveCapacity(min(count / 8 + 4, 256))
    }

    mutating func parseDocument() throws(JSONParseError) {
        skipWhitespace()
        if i >= end { throw JSONParseError(.empty, at: i) }
        try parseValue(depth: 0)
        skipWhitespace()
        if i < end { throw JSONParseError(.trailingData, at: i) }
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < end {
            switch p[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    @inline(__always)
    private mutating func scalar(_ kind: JSONDocument.Kind, start: Int, size: Int) {
        tokens.append(JSONDocument.Token(kind: kind, escaped: false, ascii: true, start: start, size: size, next: tokens.count + 1))
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) {
        guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
        let start = i
        switch p[i] {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try literal("true"); scalar(.true, start: start, size: 4)
        case UInt8(ascii: "f"): try literal("false"); scalar(.false, start: start, size: 5)
        case UInt8(ascii: "n"): try literal("null"); scalar(.null, start: start, size: 4)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try parseNumber()
            scalar(.number, start: start, size: i - start)
        default: throw JSONParseError(.unexpectedByte(p[i]), at: i)
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let w = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount {
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            guard p[i] == w[k] else { throw JSONParseError(.unexpectedByte(p[i]), at: i) }
            i += 1
        }
    }

    /// Appends the container's token first; its member count and `next` are filled in at its end.
    private mutating func openContainer(_ kind: JSONDocument.Kind, depth: Int) throws(JSONParseError) -> Int {
        if depth > maxDepth { throw JSONParseError(.tooDeep(limit: maxDepth), at: i) }
        let index = tokens.count
        tokens.append(JSONDocument.Token(kind: kind, escaped: false, ascii: true, start: i, size: 0, next: 0))
        i += 1
        return index
    }

    private mutating func close(_ index: Int, count: Int) {
        tokens[index].size = count
        tokens[index].next = tokens.count
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) {
        let index = try openContainer(.object, depth: depth)
        skipWhitespace()
        if i < end && p[i] == UInt8(ascii: "}") { i += 1; close(index, count: 0); return }
        var count = 0
        while true {
            skipWhitespace()
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            guard p[i] == UInt8(ascii: "\"") else { throw JSONParseError(.unexpectedByte(p[i]), at: i) }
            try parseString()
            skipWhitespace()
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            guard p[i] == UInt8(ascii: ":") else { throw JSONParseError(.unexpectedByte(p[i]), at: i) }
            i += 1
            skipWhitespace()
            try parseValue(depth: depth)
            count += 1
            skipWhitespace()
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            switch p[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"): i += 1; close(index, count: count); return
            default: throw JSONParseError(.unexpectedByte(p[i]), at: i)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) {
        let index = try openContainer(.array, depth: depth)
        skipWhitespace()
        if i < end && p[i] == UInt8(ascii: "]") { i += 1; close(index, count: 0); return }
        var count = 0
        while true {
            skipWhitespace()
            try parseValue(depth: depth)
            count += 1
            skipWhitespace()
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            switch p[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"): i += 1; close(index, count: count); return
            default: throw JSONParseError(.unexpectedByte(p[i]), at: i)
            }
        }
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    private mutating func parseNumber() throws(JSONParseError) {
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end else { throw JSONParseError(.invalidNumber, at: i) }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < end && isDigit(p[i]) { throw JSONParseError(.invalidNumber, at: i) }
        } else if isDigit(p[i]) {
            while i < end && isDigit(p[i]) { i += 1 }
        } else {
            throw JSONParseError(.invalidNumber, at: i)
        }
        if i < end && p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end && isDigit(p[i]) else { throw JSONParseError(.invalidNumber, at: i) }
            while i < end && isDigit(p[i]) { i += 1 }
        }
        if i < end && (p[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < end && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < end && isDigit(p[i]) else { throw JSONParseError(.invalidNumber, at: i) }
            while i < end && isDigit(p[i]) { i += 1 }
        }
    }

    /// Validates a string starting at its opening quote and records the bytes between the quotes;
    /// escapes are checked here and decoded only if the string is read (`JSONDocument.string`).
    private mutating func parseString() throws(JSONParseError) {
        i += 1  // opening quote
        let start = i
        var escaped = false, ascii = true
        while i < end {
            // Eight bytes at a time up to the first byte that needs a look (quote, backslash,
            // control byte or UTF-8 lead byte), found from the word itself: long transcript strings
            // are mostly plain ASCII, and a short key then costs one word rather than a byte loop
            // that retried the word at every byte (~230 instructions a string).
            while i + 8 <= end {
                let stops = JSONParser.bytesNeedingALook(WordScan.load(p + i))
                if stops != 0 {
                    i += stops.trailingZeroBitCount / 8
                    break
                }
                i += 8
            }
            guard i < end else { break }
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                tokens.append(JSONDocument.Token(kind: .string, escaped: escaped, ascii: ascii, start: start, size: i - start, next: tokens.count + 1))
                i += 1
                return
            }
            if b == UInt8(ascii: "\\") {
                try checkEscape()
                escaped = true
                continue
            }
            if b < 0x20 { throw JSONParseError(.controlCharacterInString, at: i) }
            if b < 0x80 { i += 1; continue }
            let n = UTF8Validation.sequenceLength(p, i, end)
            if n == 0 { throw JSONParseError(.invalidUTF8, at: i) }
            ascii = false
            i += n
        }
        throw JSONParseError(.unexpectedEnd, at: i)
    }

    /// The high bit of each byte of `w` (as stored in memory, first byte lowest) that is a quote, a
    /// backslash, a control byte or not ASCII. The lowest flag is exact (a borrow in the SWAR tests
    /// only runs upward from a byte that matched), so it locates the first such byte; flags above
    /// it may be spurious.
    @inline(__always)
    static func bytesNeedingALook(_ w: UInt64) -> UInt64 {
        let w = UInt64(littleEndian: w)
        let ones = WordScan.ones, high = WordScan.high
        let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
        let control = (w &- ones &* 0x20) & ~w
        return (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | w) & high
    }

    /// One escape at `p[i]` (the backslash): RFC 8259 §7's set, `\u` with four hex digits, UTF-16
    /// surrogates only in high-low pairs (a lone one has no UTF-8 form).
    private mutating func checkEscape() throws(JSONParseError) {
        i += 1
        guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
        let e = p[i]
        i += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let at = i - 2
            let scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard i + 1 < end, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                    throw JSONParseError(.invalidUnicodeEscape, at: at)
                }
                i += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONParseError(.invalidUnicodeEscape, at: at) }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONParseError(.invalidUnicodeEscape, at: at)
            }
        default:
            throw JSONParseError(.invalidEscape, at: i - 1)
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= end else { throw JSONParseError(.unexpectedEnd, at: end) }
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let d = JSONParser.hexValue(p[i + k]) else { throw JSONParseError(.invalidUnicodeEscape, at: i + k) }
            v = v << 4 | UInt32(d)
        }
        i += 4
        return v
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
