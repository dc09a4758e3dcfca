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

    /// RFC 3339 UTC with `fractionDigits` (0...9) fractional digits, trailing zeros kept
    /// (`2024-11-15T21:12:01.123Z`); nil writes as few as the value needs (0, 3, 6 or 9), so a
    /// whole second prints as `…:01Z` and milliseconds as `…:01.406Z`.
    public func rfc3339(fractionDigits: Int? = 3) -> String {
        RFC3339Text(self, fractionDigits: fractionDigits).withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// `9999-12-31T23:59:59.999999999Z`
    static let maxRFC3339Length = 30

    /// Writes at most `maxRFC3339Length` bytes at `p`; returns how many.
    func writeRFC3339(to p: UnsafeMutablePointer<UInt8>, fractionDigits: Int?) -> Int {
        let secs = seconds
        let frac = Int(nanoseconds &- secs &* 1_000_000_000)
        let digits = fractionDigits.map { max(0, min(9, $0)) }
            ?? (frac == 0 ? 0 : frac % 1_000_000 == 0 ? 3 : frac % 1_000 == 0 ? 6 : 9)
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
        let year = max(0, min(9999, Int(yoe + era * 400 + (month <= 2 ? 1 : 0))))
        var n = 0
        @inline(__always) func byte(_ b: UInt8) { p[n] = b; n += 1 }
        @inline(__always) func two(_ v: Int) { byte(UInt8(0x30 + v / 10)); byte(UInt8(0x30 + v % 10)) }
        two(year / 100); two(year % 100); byte(0x2D)
        two(month); byte(0x2D)
        two(day); byte(0x54)
        two(secOfDay / 3600); byte(0x3A)
        two(secOfDay / 60 % 60); byte(0x3A)
        two(secOfDay % 60)
        if digits > 0 {
            byte(0x2E)
            // All nine digits, last first (division by the constant 10 is a multiply; by a
            // running divisor it was a real division per digit); then keep the first `digits`.
            var f = frac
            for k in stride(from: 8, through: 0, by: -1) {
                p[n + k] = UInt8(0x30 + f % 10)
                f /= 10
            }
            n += digits
        }
        byte(0x5A)
        return n
    }
}
