// Appends JSON text to a byte buffer. The envelope of every accepted webhook is written with it on
// the ingest path, so it writes bytes directly (no Foundation, no intermediate Strings, a ByteBuffer
// rather than an Array) and can splice an already valid document verbatim (`appendRaw`, used for
// the vendor's raw body).

public struct JSONWriter: ~Copyable, Sendable {
    private var out: ByteBuffer
    /// True when the next key or value must be preceded by a comma.
    private var needsComma = false

    public init(capacity: Int = 512) {
        out = ByteBuffer(capacity: capacity)
    }

    private init(_ out: consuming ByteBuffer) { self.out = out }

    /// The JSON text written so far.
    public var bytes: [UInt8] { out.array }

    /// The JSON text `write` writes, straight into the returned array's storage (see
    /// `ByteBuffer.array`): for text of `capacity` bytes or fewer, one allocation and no copy.
    public static func bytes(capacity: Int, _ write: (inout JSONWriter) -> Void) -> [UInt8] {
        ByteBuffer.array(capacity: capacity) { out in
            var w = JSONWriter(out)
            write(&w)
            return w.out
        }
    }

    // MARK: structure

    public mutating func beginObject() { separator(); out.append(0x7B); needsComma = false }
    public mutating func endObject() { out.append(0x7D); needsComma = true }
    public mutating func beginArray() { separator(); out.append(0x5B); needsComma = false }
    public mutating func endArray() { out.append(0x5D); needsComma = true }

    /// Writes `"key":` for a key written in the source (no escaping needed, so none is scanned
    /// for: the envelope writes about thirty of these per webhook); the next call writes its value.
    /// One reservation for the comma, quotes, key and colon: four appends cost ~175 instructions.
    public mutating func key(_ key: StaticString) {
        assert(!UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount).contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C },
               "JSONWriter.key: a literal key must not need escaping")
        let n = key.utf8CodeUnitCount, comma = needsComma
        out.append(maxCount: n + 4) { p in
            var i = 0
            if comma { p[0] = 0x2C; i = 1 }
            p[i] = 0x22
            // memcpy: a byte loop took 7 instructions a byte (~85 a key, 35 keys per envelope).
            (p + i + 1).update(from: key.utf8Start, count: n)
            p[i + n + 1] = 0x22
            p[i + n + 2] = 0x3A
            return i + n + 3
        }
        needsComma = false
    }

    /// Writes `"key":` for a key known only at run time (escaped as needed).
    public mutating func key(escaping key: String) {
        appendQuoted(key, afterComma: needsComma)
        out.append(0x3A)
        needsComma = false
    }

    // MARK: values

    public mutating func string(_ value: String) { appendQuoted(value, afterComma: needsComma); needsComma = true }
    public mutating func null() { separator(); ascii("null"); needsComma = true }
    public mutating func bool(_ value: Bool) { separator(); ascii(value ? "true" : "false"); needsComma = true }
    public mutating func int(_ value: Int64) { separator(); appendInteger(value); needsComma = true }
    public mutating func int(_ value: Int) { int(Int64(value)) }

    /// A finite double in its shortest round-trip form; NaN and infinities have no JSON form → null.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { null(); return }
        separator()
        if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value))
        } else {
            out.append(utf8: value.description)
        }
        needsComma = true
    }

    /// A number given as literal text; the caller guarantees it is valid JSON number text
    /// (it comes from `JSONValue.number`, which the parser validated).
    public mutating func number(literal: String) { separator(); out.append(utf8: literal); needsComma = true }

    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let n): number(literal: n)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { value(item) }
            endArray()
        case .object(let o):
            beginObject()
            for m in o.members { key(escaping: m.key); value(m.value) }
            endObject()
        }
    }

    /// Splices bytes that already form one valid JSON value (e.g. a verified webhook body that was
    /// just parsed). Not re-validated: the caller owns that guarantee.
    public mutating func appendRaw(_ raw: [UInt8]) { raw.withUnsafeBufferPointer { appendRaw($0) } }

    public mutating func appendRaw(_ raw: UnsafeBufferPointer<UInt8>) { separator(); out.append(raw); needsComma = true }

    /// A quoted RFC 3339 timestamp (see `Timestamp.rfc3339(fractionDigits:)`).
    public mutating func timestamp(_ t: Timestamp, fractionDigits: Int? = 3) {
        timestamp(RFC3339Text(t, fractionDigits: fractionDigits))
    }

    /// A quoted timestamp already formatted (the same instant written more than once).
    public mutating func timestamp(_ text: RFC3339Text) {
        separator()
        out.append(0x22)
        text.withBytes { out.append($0) }
        out.append(0x22)
        needsComma = true
    }

    // MARK: members (key + value in one call)

    public mutating func member(_ k: StaticString, _ v: String?) { key(k); if let v { string(v) } else { null() } }
    public mutating func member(_ k: StaticString, _ v: Bool?) { key(k); if let v { bool(v) } else { null() } }
    public mutating func member(_ k: StaticString, _ v: Double?) { key(k); if let v { double(v) } else { null() } }
    public mutating func member(_ k: StaticString, _ v: JSONValue?) { key(k); if let v { value(v) } else { null() } }
    public mutating func member(escaping k: String, _ v: String?) { key(escaping: k); if let v { string(v) } else { null() } }

    // MARK: bytes

    @inline(__always)
    private mutating func separator() { if needsComma { out.append(0x2C) } }

    private mutating func ascii(_ s: StaticString) { out.append(s) }

    private mutating func appendInteger(_ value: Int64) {
        if value == 0 { out.append(0x30); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while n > 0 { d[19 - count] = UInt8(0x30 + n % 10); n /= 10; count += 1 }
        }
        if value < 0 { out.append(0x2D) }
        withUnsafeBytes(of: &digits) { d in
            out.append(UnsafeBufferPointer(start: d.baseAddress!.assumingMemoryBound(to: UInt8.self) + (20 - count), count: count))
        }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Whether some byte of `w` must be escaped in a JSON string: below 0x20, `"` or `\`. The
    /// three `WordScan` tests share one mask and one branch (XOR with `"` or `\` keeps each byte's
    /// top bit, so `~w` serves all three) instead of three.
    @inline(__always)
    static func needsEscape(_ w: UInt64) -> Bool {
        let ones = WordScan.ones
        let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
        return ((w &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~w & WordScan.high != 0
    }

    /// Quotes and escapes per RFC 8259 §7: `"`, `\` and U+0000–U+001F; everything else (UTF-8
    /// included) passes through unchanged. `afterComma`: a comma goes first (the separator before
    /// a member or element).
    private mutating func appendQuoted(_ s: String, afterComma: Bool) {
        s.withUTF8Bytes { appendQuoted($0, afterComma: afterComma) }
    }

    private mutating func appendQuoted(_ u: UnsafeBufferPointer<UInt8>, afterComma: Bool) {
        let first = JSONWriter.nextEscape(u, from: 0)
        // Most values need no escape: then comma, quotes and bytes go in with one reservation.
        if first == u.count {
            out.append(maxCount: u.count + 3) { p in
                var i = 0
                if afterComma { p[0] = 0x2C; i = 1 }
                p[i] = 0x22
                if let base = u.baseAddress { (p + i + 1).update(from: base, count: u.count) }
                p[i + u.count + 1] = 0x22
                return i + u.count + 2
            }
            return
        }
        if afterComma { out.append(0x2C) }
        out.append(0x22)
        appendEscaped(u, firstEscape: first)
        out.append(0x22)
    }

    /// The index of the first byte at or after `from` that must be escaped, or `u.count`: eight
    /// bytes at a time while none does (most values are plain ASCII).
    private static func nextEscape(_ u: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard let base = u.baseAddress else { return u.count }
        var i = from
        while i + 8 <= u.count, !needsEscape(WordScan.load(base + i)) { i += 8 }
        // Fewer than eight bytes left, none of them checked: the word ending at the last byte (it
        // overlaps bytes already checked) clears them at once, where the byte loop cost ~11
        // instructions a byte, ~850 an envelope. A word that holds an escape (maybe one before
        // `from`) leaves them to the loop.
        if u.count - i < 8, u.count >= 8, !needsEscape(WordScan.load(base + u.count - 8)) { return u.count }
        while i < u.count {
            let b = base[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return i }
            i += 1
        }
        return u.count
    }

    /// The bytes of `u` with each byte that needs it escaped; runs of plain bytes are copied in
    /// one append.
    private mutating func appendEscaped(_ u: UnsafeBufferPointer<UInt8>, firstEscape: Int) {
        guard let base = u.baseAddress else { return }
        var runStart = 0
        var i = firstEscape
        while i < u.count {
            if i > runStart { out.append(UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
            let b = base[i]
            out.append(0x5C)
            switch b {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            default:
                let h = JSONWriter.hexDigits.utf8Start
                out.append(UInt8(ascii: "u")); out.append(0x30); out.append(0x30)
                out.append(h[Int(b >> 4)]); out.append(h[Int(b & 0xF)])
            }
            runStart = i + 1
            i = JSONWriter.nextEscape(u, from: runStart)
        }
        if u.count > runStart { out.append(UnsafeBufferPointer(start: base + runStart, count: u.count - runStart)) }
    }
}

extension JSONValue {
    /// The compact JSON text of this value (number literals and member order preserved).
    public func serialized() -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.value(self)
        return w.bytes
    }
}
