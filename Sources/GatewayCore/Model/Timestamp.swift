// A point in time as nanoseconds since the Unix epoch (UTC). Owned rather than Foundation's `Date`
// because the ingest path formats one per request and `ISO8601DateFormatter` is far too slow.

#if canImport(Glibc)
import Glibc
#endif

public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public init(seconds: Int64) { self.nanoseconds = seconds &* 1_000_000_000 }
    public init(milliseconds: Int64) { self.nanoseconds = milliseconds &* 1_000_000 }

    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    public var seconds: Int64 { nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000 }
    public var milliseconds: Int64 { nanoseconds >= 0 ? nanoseconds / 1_000_000 : (nanoseconds - 999_999) / 1_000_000 }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }

    public func adding(seconds: Double) -> Timestamp {
        Timestamp(nanoseconds: nanoseconds &+ Int64(seconds * 1e9))
    }

    /// Seconds from `other` to `self` (positive when `self` is later).
    public func seconds(since other: Timestamp) -> Double { Double(nanoseconds &- other.nanoseconds) / 1e9 }

    public var description: String { rfc3339() }

    /// RFC 3339 UTC with `fractionDigits` (0...9) fractional digits, trailing zeros kept:
    /// `2024-11-15T21:12:01.123Z`.
    public func rfc3339(fractionDigits: Int = 3) -> String {
        var out = [UInt8]()
        out.reserveCapacity(32)
        appendRFC3339(to: &out, fractionDigits: fractionDigits)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the RFC 3339 form to a byte buffer without allocating a String (the hot path).
    public func appendRFC3339(to out: inout [UInt8], fractionDigits: Int = 3) {
        let secs = seconds
        let nanos = Int(nanoseconds &- secs &* 1_000_000_000)
        var days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let secOfDay = Int(secs - days * 86400)
        // Civil-from-days (Howard Hinnant's algorithm): proleptic Gregorian calendar.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))

        func digits(_ v: Int, _ width: Int) {
            var d = [UInt8](repeating: 0x30, count: width)
            var v = v
            for i in stride(from: width - 1, through: 0, by: -1) {
                d[i] = UInt8(0x30 + v % 10)
                v /= 10
            }
            out.append(contentsOf: d)
        }
        digits(max(0, min(9999, year)), 4); out.append(0x2D)
        digits(month, 2); out.append(0x2D)
        digits(day, 2); out.append(0x54)
        digits(secOfDay / 3600, 2); out.append(0x3A)
        digits(secOfDay / 60 % 60, 2); out.append(0x3A)
        digits(secOfDay % 60, 2)
        let f = max(0, min(9, fractionDigits))
        if f > 0 {
            out.append(0x2E)
            var scaled = nanos
            for _ in 0..<(9 - f) { scaled /= 10 }
            digits(scaled, f)
        }
        out.append(0x5A)
    }
}
