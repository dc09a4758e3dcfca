// Vendor times → `Timestamp`. Vendors disagree: Retell sends epoch milliseconds, MeetingBaaS v1
// sometimes epoch seconds, Recall ISO 8601 with 0–6 fraction digits and `Z`, `+00:00` or no zone.
// Parsing is lenient on input; the event always carries RFC 3339 UTC.

public import GatewayCore

public enum TimeFormat: String, Sendable, CaseIterable {
    /// ISO 8601 text; numbers are taken as epoch seconds (or ms when too large to be seconds).
    case auto
    case iso8601
    case epochMilliseconds = "epoch_ms"
    case epochSeconds = "epoch_s"
}

public enum TimeConversion {
    /// Epoch values above this are taken as milliseconds by `auto` (1e11 s is the year 5138).
    static let millisecondThreshold = 100_000_000_000.0

    public static func timestamp(from value: JSONValue, format: TimeFormat) -> Timestamp? {
        switch (value, format) {
        case (.string(let s), .iso8601), (.string(let s), .auto):
            return parseISO8601(s)
        case (.string(let s), .epochMilliseconds):
            return epoch(s, scale: 1_000_000)
        case (.string(let s), .epochSeconds):
            return epoch(s, scale: 1_000_000_000)
        case (.number(let n), .epochMilliseconds):
            return epoch(n, scale: 1_000_000)
        case (.number(let n), .epochSeconds):
            return epoch(n, scale: 1_000_000_000)
        case (.number(let n), .auto):
            guard let d = Double(n) else { return nil }
            return epoch(n, scale: abs(d) >= millisecondThreshold ? 1_000_000 : 1_000_000_000)
        default:
            return nil
        }
    }

    /// `timestamp(from:format:)` for what a mapping expression located. ISO 8601 text in the
    /// document is parsed from the document's bytes: building the String and then copying its
    /// bytes back out to parse them cost two allocations per webhook.
    static func timestamp(from found: MappingExpression.Scope.Element, in document: JSONDocument, format: TimeFormat) -> Timestamp? {
        switch found {
        case .node(let n):
            if format == .iso8601 || format == .auto, let parsed = document.withUnescapedUTF8(of: n, parseISO8601Bytes) {
                return parsed
            }
            return timestamp(from: document.value(at: n), format: format)
        case .value(let v):
            return timestamp(from: v, format: format)
        }
    }

    /// An epoch number given as text; `scale` is nanoseconds per unit. Integers stay exact.
    static func epoch(_ text: String, scale: Int64) -> Timestamp? {
        if let i = Int64(text) {
            let (ns, overflow) = i.multipliedReportingOverflow(by: scale)
            return overflow ? nil : Timestamp(nanoseconds: ns)
        }
        if let exact = decimal(text, scale: scale) { return exact }
        guard let d = Double(text), d.isFinite else { return nil }
        let ns = d * Double(scale)
        guard abs(ns) < 9.2e18 else { return nil }
        return Timestamp(nanoseconds: Int64(ns.rounded()))
    }

    /// `-?digits.digits` converted without going through Double, whose 53 bits cannot hold
    /// nanoseconds since 1970 (1700000300.001 s must not round to …300.000999936).
    static func decimal(_ text: String, scale: Int64) -> Timestamp? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let whole = Int64(parts[0]), !parts[1].isEmpty,
              parts[1].utf8.allSatisfy({ $0 &- 0x30 < 10 }) else { return nil }
        var frac: Int64 = 0
        var unit = scale
        for d in parts[1].utf8 {
            unit /= 10
            if unit == 0 { break }
            frac += Int64(d - 0x30) * unit
        }
        let (base, o1) = whole.multipliedReportingOverflow(by: scale)
        guard !o1 else { return nil }
        let negative = parts[0].hasPrefix("-")
        let (total, o2) = negative ? base.subtractingReportingOverflow(frac) : base.addingReportingOverflow(frac)
        return o2 ? nil : Timestamp(nanoseconds: total)
    }

    /// `YYYY-MM-DD[T| ]hh:mm[:ss[.f{1,9}]][Z|±hh:mm|±hhmm|±hh]`; no zone means UTC.
    public static func parseISO8601(_ text: String) -> Timestamp? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { parseISO8601Bytes(UnsafeBufferPointer($0)) }
    }

    static func parseISO8601Bytes(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var c = ISO8601Cursor(b: b)
        guard let year = c.number(4), c.expect(0x2D), let month = c.number(2), c.expect(0x2D), let day = c.number(2) else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        guard c.expect(UInt8(ascii: "T")) || c.expect(UInt8(ascii: "t")) || c.expect(0x20) else { return nil }
        guard let hour = c.number(2), c.expect(0x3A), let minute = c.number(2) else { return nil }
        var second = 0
        var nanos: Int64 = 0
        if c.expect(0x3A) {
            guard let s = c.number(2) else { return nil }
            second = s
            if c.expect(0x2E) || c.expect(0x2C) {
                var digits = 0
                while let d = c.digit() {
                    if digits < 9 { nanos = nanos * 10 + Int64(d) }
                    digits += 1
                }
                guard digits > 0 else { return nil }
                // Digits beyond nanoseconds were read and dropped above; scale shorter fractions up.
                if digits < 9 { for _ in digits..<9 { nanos *= 10 } }
            }
        }
        guard hour < 24, minute < 60, second < 61 else { return nil }
        var offsetSeconds = 0
        if !c.atEnd {
            if c.expect(UInt8(ascii: "Z")) || c.expect(UInt8(ascii: "z")) {
            } else {
                let sign: Int
                if c.expect(UInt8(ascii: "+")) { sign = 1 } else if c.expect(UInt8(ascii: "-")) { sign = -1 } else { return nil }
                guard let oh = c.number(2), oh < 24 else { return nil }
                var om = 0
                if !c.atEnd {
                    _ = c.expect(0x3A)
                    guard let m = c.number(2), m < 60 else { return nil }
                    om = m
                }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            }
        }
        guard c.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        // Nanoseconds since 1970 in 64 bits reach the years 1677–2262: a vendor writing year 9999
        // gets no time rather than a trap.
        let (ns, o1) = secs.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = ns.addingReportingOverflow(nanos)
        return o1 || o2 ? nil : Timestamp(nanoseconds: total)
    }

    /// The parser's position in the text. Its steps are forced inline: as local functions over a
    /// captured index they stayed calls, ~55 instructions for each of a timestamp's six numbers.
    private struct ISO8601Cursor {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        var atEnd: Bool { i >= b.count }

        /// `count` decimal digits as a number, or nil (nothing consumed) when they are not there.
        @inline(__always)
        mutating func number(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var v = 0
            for k in 0..<count {
                let d = b[i + k] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            i += count
            return v
        }

        /// One decimal digit's value, consumed; nil when the next byte is not one.
        @inline(__always)
        mutating func digit() -> UInt8? {
            guard i < b.count, b[i] &- 0x30 < 10 else { return nil }
            i += 1
            return b[i - 1] &- 0x30
        }

        /// Consumes `byte` when it comes next.
        @inline(__always)
        mutating func expect(_ byte: UInt8) -> Bool {
            guard i < b.count, b[i] == byte else { return false }
            i += 1
            return true
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// RFC 3339 UTC with as few fraction digits as the value needs (Core's formatter).
    public static func rfc3339(_ t: Timestamp) -> String { t.rfc3339(fractionDigits: nil) }
}
