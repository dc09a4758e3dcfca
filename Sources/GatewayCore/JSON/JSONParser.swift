// Strict RFC 8259 JSON parser working on raw bytes: the ingest path parses every webhook body, so it
// avoids Foundation (JSONSerialization costs ~9 µs for a 215-byte body and loses number text).
// Numbers keep their literal text, strings are UTF-8 validated, nesting is bounded.

public enum JSON {
    /// Default nesting limit: deep enough for any real webhook, shallow enough that a hostile body
    /// cannot exhaust the stack of the recursive descent.
    public static let defaultMaxDepth = 128

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        if bytes.isEmpty { throw JSONParseError(.empty, at: 0) }
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buf in
            var p = JSONParser(buf.baseAddress!, count: buf.count, maxDepth: maxDepth)
            do throws(JSONParseError) { return .success(try p.parseDocument()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw JSONParseError(.empty, at: 0) }
        var p = JSONParser(base.assumingMemoryBound(to: UInt8.self), count: bytes.count, maxDepth: maxDepth)
        return try p.parseDocument()
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
    /// Reused for strings that contain escapes, so each one does not allocate a fresh buffer.
    private var scratch: [UInt8] = []
    /// Members and elements of the containers being parsed, stacked so each finished container is
    /// copied out once at its exact size instead of growing its own array step by step.
    private var memberStack: [(key: String, value: JSONValue)] = []
    private var elementStack: [JSONValue] = []

    /// `base` must stay valid for the parser's lifetime; callers reject empty input first.
    init(_ base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        p = base
        end = count
        self.maxDepth = maxDepth
        memberStack.reserveCapacity(16)
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        if i >= end { throw JSONParseError(.empty, at: i) }
        let v = try parseValue(depth: 0)
        skipWhitespace()
        if i < end { throw JSONParseError(.trailingData, at: i) }
        return v
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

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
        switch p[i] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
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

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw JSONParseError(.tooDeep(limit: maxDepth), at: i) }
        i += 1  // {
        let base = memberStack.count
        skipWhitespace()
        if i < end && p[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject()) }
        while true {
            skipWhitespace()
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            guard p[i] == UInt8(ascii: "\"") else { throw JSONParseError(.unexpectedByte(p[i]), at: i) }
            let key = try parseString()
            skipWhitespace()
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            guard p[i] == UInt8(ascii: ":") else { throw JSONParseError(.unexpectedByte(p[i]), at: i) }
            i += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            memberStack.append((key, value))
            skipWhitespace()
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            switch p[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"):
                i += 1
                let members = Array(memberStack[base...])
                memberStack.removeSubrange(base...)
                return .object(JSONObject(members))
            default: throw JSONParseError(.unexpectedByte(p[i]), at: i)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw JSONParseError(.tooDeep(limit: maxDepth), at: i) }
        i += 1  // [
        let base = elementStack.count
        skipWhitespace()
        if i < end && p[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
        while true {
            skipWhitespace()
            let item = try parseValue(depth: depth)
            elementStack.append(item)
            skipWhitespace()
            guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
            switch p[i] {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"):
                i += 1
                let items = Array(elementStack[base...])
                elementStack.removeSubrange(base...)
                return .array(items)
            default: throw JSONParseError(.unexpectedByte(p[i]), at: i)
            }
        }
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = i
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
        return String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
    }

    /// Reads a string starting at its opening quote. The common case (no escapes) becomes one
    /// String built straight from the input bytes, after validation.
    private mutating func parseString() throws(JSONParseError) -> String {
        i += 1  // opening quote
        let start = i
        while i < end {
            // Eight bytes at a time while they are plain ASCII (no quote, backslash, control byte
            // or UTF-8 lead byte to validate): long transcript strings are mostly that.
            while i + 8 <= end {
                let w = WordScan.load(p + i)
                if JSONWriter.needsEscape(w) || WordScan.hasNonASCII(w) { break }
                i += 8
            }
            guard i < end else { break }
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw JSONParseError(.controlCharacterInString, at: i) }
            if b < 0x80 { i += 1; continue }
            let n = UTF8Validation.sequenceLength(p, i, end)
            if n == 0 { throw JSONParseError(.invalidUTF8, at: i) }
            i += n
        }
        guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
        return try parseEscapedString(from: start)
    }

    /// The slow path: the string has escapes, so decoded bytes go through `scratch`.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
        while i < end {
            let b = p[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                i += 1
                guard i < end else { throw JSONParseError(.unexpectedEnd, at: i) }
                let e = p[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape()
                default: throw JSONParseError(.invalidEscape, at: i - 1)
                }
            default:
                if b < 0x20 { throw JSONParseError(.controlCharacterInString, at: i) }
                if b < 0x80 { scratch.append(b); i += 1; continue }
                let n = UTF8Validation.sequenceLength(p, i, end)
                if n == 0 { throw JSONParseError(.invalidUTF8, at: i) }
                scratch.append(contentsOf: UnsafeBufferPointer(start: p + i, count: n))
                i += n
            }
        }
        throw JSONParseError(.unexpectedEnd, at: i)
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= end else { throw JSONParseError(.unexpectedEnd, at: end) }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = p[i + k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw JSONParseError(.invalidUnicodeEscape, at: i + k)
            }
            v = v << 4 | UInt32(d)
        }
        i += 4
        return v
    }

    /// `\uXXXX`, pairing UTF-16 surrogates; a lone surrogate has no UTF-8 form and is rejected.
    private mutating func appendUnicodeEscape() throws(JSONParseError) {
        let at = i - 2
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard i + 1 < end, p[i] == UInt8(ascii: "\\"), p[i + 1] == UInt8(ascii: "u") else {
                throw JSONParseError(.invalidUnicodeEscape, at: at)
            }
            i += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw JSONParseError(.invalidUnicodeEscape, at: at) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw JSONParseError(.invalidUnicodeEscape, at: at)
        }
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
