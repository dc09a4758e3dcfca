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
        out.append(maxCount: n + 4) { JSONWriter.openKey(key, count: n, comma: comma, at: $0) }
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

    /// A quoted RFC 3339 timestamp (see `Timestamp.rfc3339(fractionDigits:)`). An instant written
    /// more than once as a member is formatted once: `member(_:_: RFC3339Text)`.
    public mutating func timestamp(_ t: Timestamp, fractionDigits: Int? = 3) {
        separator()
        out.append(0x22)
        RFC3339Text(t, fractionDigits: fractionDigits).withBytes { out.append($0) }
        out.append(0x22)
        needsComma = true
    }

    // MARK: members (key + value in one call)

    /// `"key":"value"`: the key a literal, the value escaped as needed. When the value needs no
    /// escape (most do not), the comma, the key with its punctuation and the quoted value go in
    /// with one reservation: a `key` and a `string` call cost ~320 instructions, mostly per call.
    /// Returns whether the value needed no escape, so that text written again can skip the scan
    /// (`member(_:plain:)`).
    @discardableResult
    public mutating func member(_ k: StaticString, _ v: String) -> Bool {
        v.withUTF8Bytes { quotedMember(k, prefix: nil, $0, scan: true) }
    }

    /// `"key":"prefix` + value + `"`: a value written after a literal prefix (the envelope's
    /// `"source":"/sources/…"`) without building the joined string. The prefix must need no
    /// escaping; the value is escaped as needed. Returns what `member(_:_:)` returns.
    @discardableResult
    public mutating func member(_ k: StaticString, prefix: StaticString, _ v: String) -> Bool {
        assert(JSONWriter.isPlain(UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)),
               "JSONWriter.member(_:prefix:_:): a literal prefix must not need escaping")
        return v.withUTF8Bytes {
            quotedMember(k, prefix: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount), $0, scan: true)
        }
    }

    /// `"key":"value"` for a value the caller knows needs no escape, so none is scanned for: text
    /// the gateway made itself (ids in base32 or hex, names from a closed vocabulary), or text
    /// `member(_:_:)` just reported plain. Anything from a vendor or the configuration goes
    /// through `member(_:_:)`. Debug builds check the promise.
    public mutating func member(_ k: StaticString, plain v: String) {
        v.withUTF8Bytes { u in
            assert(JSONWriter.isPlain(u), "JSONWriter.member(_:plain:): the value needs escaping")
            _ = quotedMember(k, prefix: nil, u, scan: false)
        }
    }

    /// `"key":"<the timestamp>"`, its text copied from `t` whole (no call to copy it).
    public mutating func member(_ k: StaticString, _ t: RFC3339Text) {
        let n = k.utf8CodeUnitCount, comma = needsComma
        out.append(maxCount: n &+ 6 &+ RFC3339Text.storageSize) { p in
            var i = JSONWriter.openKey(k, count: n, comma: comma, at: p)
            p[i] = 0x22
            let length = t.copyStorage(to: p + (i &+ 1))
            i &+= length &+ 1
            p[i] = 0x22
            return i &+ 1
        }
        needsComma = true
    }

    /// `"key":null`.
    public mutating func nullMember(_ k: StaticString) { literalMember(k, "null") }

    /// `"key":{`; members follow, then `endObject`.
    public mutating func beginObject(_ k: StaticString) { literalMember(k, "{"); needsComma = false }

    /// `"key":` and bytes that already form one valid JSON value, spliced as `appendRaw` does.
    public mutating func member(_ k: StaticString, raw: UnsafeBufferPointer<UInt8>) {
        key(k)
        out.append(raw)
        needsComma = true
    }

    /// Whole members written in the source as one literal, e.g. `"a":"b","c":null` (a run of
    /// members whose values never change), after a comma as needed. The caller writes valid JSON
    /// members there; the writer copies the bytes.
    public mutating func members(_ literal: StaticString) {
        let n = literal.utf8CodeUnitCount, comma = needsComma
        out.append(maxCount: n &+ 1) { p in
            p[0] = 0x2C
            let i = comma ? 1 : 0
            JSONWriter.copy(literal.utf8Start, count: n, to: p + i)
            return i &+ n
        }
        needsComma = true
    }

    public mutating func member(_ k: StaticString, _ v: String?) { if let v { member(k, v) } else { nullMember(k) } }
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
    static func needsEscape(_ w: UInt64) -> Bool { escapeBits(w) != 0 }

    /// Non-zero when some byte of `w` must be escaped (see `needsEscape`).
    @inline(__always)
    static func escapeBits(_ w: UInt64) -> UInt64 {
        let ones = WordScan.ones
        let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
        return ((w &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~w & WordScan.high
    }

    /// `"key":` at `p`, after a comma when `comma`; returns the bytes written (at most `count` + 4).
    /// The comma is stored either way and kept only when wanted (no branch).
    @inline(__always)
    private static func openKey(_ k: StaticString, count n: Int, comma: Bool, at p: UnsafeMutablePointer<UInt8>) -> Int {
        p[0] = 0x2C
        let i = comma ? 1 : 0
        p[i] = 0x22
        copy(k.utf8Start, count: n, to: p + (i &+ 1))
        p[i &+ n &+ 1] = 0x22
        p[i &+ n &+ 2] = 0x3A
        return i &+ n &+ 3
    }

    /// Copies `n` bytes: up to 64 with two to four overlapping sixteen-byte moves (or eight- or
    /// four-byte ones, or three single bytes below eight), longer ones with memcpy. The keys and
    /// values of an envelope are under 64 bytes, where a call to memmove cost ~25 instructions
    /// with the registers saved around it (a byte loop took 7 a byte).
    @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, count n: Int, to target: UnsafeMutablePointer<UInt8>) {
        let s = UnsafeRawPointer(source), t = UnsafeMutableRawPointer(target)
        if n >= 16 {
            if n > 64 { target.update(from: source, count: n); return }
            let end = n &- 16
            let a = s.loadUnaligned(as: SIMD16<UInt8>.self), b = s.loadUnaligned(fromByteOffset: end, as: SIMD16<UInt8>.self)
            if n > 32 {
                let c = s.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
                let d = s.loadUnaligned(fromByteOffset: end &- 16, as: SIMD16<UInt8>.self)
                t.storeBytes(of: c, toByteOffset: 16, as: SIMD16<UInt8>.self)
                t.storeBytes(of: d, toByteOffset: end &- 16, as: SIMD16<UInt8>.self)
            }
            t.storeBytes(of: a, as: SIMD16<UInt8>.self)
            t.storeBytes(of: b, toByteOffset: end, as: SIMD16<UInt8>.self)
        } else if n >= 8 {
            let a = s.loadUnaligned(as: UInt64.self), b = s.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            t.storeBytes(of: a, as: UInt64.self)
            t.storeBytes(of: b, toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 {
            let a = s.loadUnaligned(as: UInt32.self), b = s.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            t.storeBytes(of: a, as: UInt32.self)
            t.storeBytes(of: b, toByteOffset: n &- 4, as: UInt32.self)
        } else if n > 0 {
            let a = source[0], b = source[n >> 1], c = source[n &- 1]
            target[0] = a; target[n >> 1] = b; target[n &- 1] = c
        }
    }

    /// `"key":` and a literal value (or the opening of one), one reservation.
    private mutating func literalMember(_ k: StaticString, _ value: StaticString) {
        let n = k.utf8CodeUnitCount, m = value.utf8CodeUnitCount, comma = needsComma
        out.append(maxCount: n &+ m &+ 4) { p in
            let i = JSONWriter.openKey(k, count: n, comma: comma, at: p)
            JSONWriter.copy(value.utf8Start, count: m, to: p + i)
            return i &+ m
        }
        needsComma = true
    }

    /// `"key":"` + prefix + `u` + `"`; `u` is scanned for escapes when `scan` (else the caller
    /// promises it needs none). Returns whether `u` needed no escape.
    @inline(__always)
    private mutating func quotedMember(_ k: StaticString, prefix: UnsafeBufferPointer<UInt8>?, _ u: UnsafeBufferPointer<UInt8>, scan: Bool) -> Bool {
        let first = scan ? JSONWriter.nextEscape(u, from: 0) : u.count
        guard first == u.count else {
            key(k)
            out.append(0x22)
            if let prefix { out.append(prefix) }
            appendEscaped(u, firstEscape: first)
            out.append(0x22)
            needsComma = true
            return false
        }
        let n = k.utf8CodeUnitCount, m = prefix?.count ?? 0, count = u.count, comma = needsComma
        out.append(maxCount: n &+ m &+ count &+ 6) { p in
            var i = JSONWriter.openKey(k, count: n, comma: comma, at: p)
            p[i] = 0x22
            i &+= 1
            if let prefix, let base = prefix.baseAddress { JSONWriter.copy(base, count: m, to: p + i); i &+= m }
            if let base = u.baseAddress { JSONWriter.copy(base, count: count, to: p + i) }
            i &+= count
            p[i] = 0x22
            return i &+ 1
        }
        needsComma = true
        return true
    }

    /// Whether `u` needs no escape in a JSON string.
    static func isPlain(_ u: UnsafeBufferPointer<UInt8>) -> Bool { nextEscape(u, from: 0) == u.count }

    /// Whether one of the sixteen bytes at `p` must be escaped. (Swift's SIMD16 comparisons
    /// compiled to a loop over the lanes here.)
    @inline(__always)
    static func needsEscape16(_ p: UnsafePointer<UInt8>) -> Bool {
        escapeBits(WordScan.load(p)) | escapeBits(WordScan.load(p + 8)) != 0
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
        // Two words per step first, one branch for both, and the last sixteen bytes (overlapping
        // some already checked) at once.
        if u.count &- i >= 16 {
            while i &+ 16 <= u.count, !needsEscape16(base + i) { i &+= 16 }
            if u.count &- i < 16, !needsEscape16(base + (u.count &- 16)) { return u.count }
        }
        while i + 8 <= u.count, !needsEscape(WordScan.load(base + i)) { i += 8 }
        // Fewer than eight bytes left, none of them checked: the word ending at the last byte (it
        // overlaps bytes already checked) clears them at once, where the byte loop cost ~11
        // instructions a byte, ~850 an envelope. A word that holds an escape (maybe one before
        // `from`) leaves them to the loop. In a string shorter than a word, the last one to seven
        // bytes make up a word of their own: two overlapping four-byte loads, or the first,
        // middle and last byte padded with a plain one.
        let left = u.count - i
        if left < 8 {
            let w: UInt64
            if u.count >= 8 {
                w = WordScan.load(base + u.count - 8)
            } else if left >= 4 {
                let raw = UnsafeRawPointer(base)
                w = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: u.count - 4, as: UInt32.self)) << 32
            } else if left > 0 {
                w = UInt64(base[i]) | UInt64(base[i + left / 2]) << 8 | UInt64(base[u.count - 1]) << 16 | 0x4141_4141_4100_0000
            } else {
                return u.count
            }
            if !needsEscape(w) { return u.count }
        }
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
