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

    /// Writes at most `maxRFC3339Length` bytes at `p` (and may store up to that many whatever the
    /// length); returns how many.
    func writeRFC3339(to p: UnsafeMutablePointer<UInt8>, fractionDigits: Int?) -> Int {
        let secs = seconds
        let frac = Int(nanoseconds &- secs &* 1_000_000_000)
        let digits = fractionDigits.map { max(0, min(9, $0)) }
            ?? (frac == 0 ? 0 : frac % 1_000_000 == 0 ? 3 : frac % 1_000 == 0 ? 6 : 9)
        let days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400
        let secOfDay = UInt(truncatingIfNeeded: secs &- days &* 86400)
        // Civil-from-days (Howard Hinnant's algorithm): proleptic Gregorian calendar. Every
        // instant an Int64 of nanoseconds holds (years 1677 to 2262) is in a non-negative era, so
        // the arithmetic is unsigned (a division by a constant is then a multiply and a shift,
        // without the sign fix-ups).
        let z = UInt(days + 719_468)
        let era = z / 146_097
        let doe = z &- era &* 146_097
        let yoe = (doe &- doe / 1460 &+ doe / 36524 &- doe / 146_096) / 365
        let doy = doe &- (365 &* yoe &+ yoe / 4 &- yoe / 100)
        let mp = (5 &* doy &+ 2) / 153
        let day = doy &- (153 &* mp &+ 2) / 5 &+ 1
        let month = mp < 10 ? mp &+ 3 : mp &- 9
        let year = min(9999, yoe &+ era &* 400 &+ (month <= 2 ? 1 : 0))
        // Two digits at a time from a table of "00" to "99": one two-byte copy per pair, where a
        // division and two stores per pair and one per fraction digit cost ~390 instructions per
        // timestamp (an envelope formats two).
        let pairs = UnsafeRawPointer(Timestamp.digitPairs.utf8Start)
        let out = UnsafeMutableRawPointer(p)
        @inline(__always) func two(_ v: UInt, at offset: Int) {
            out.storeBytes(of: pairs.loadUnaligned(fromByteOffset: Int(bitPattern: v &* 2), as: UInt16.self), toByteOffset: offset, as: UInt16.self)
        }
        let hour = secOfDay / 3600, minute = secOfDay / 60 % 60, second = secOfDay % 60
        two(year / 100, at: 0); two(year % 100, at: 2); p[4] = 0x2D
        two(month, at: 5); p[7] = 0x2D
        two(day, at: 8); p[10] = 0x54
        two(hour, at: 11); p[13] = 0x3A
        two(minute, at: 14); p[16] = 0x3A
        two(second, at: 17)
        var n = 19
        if digits > 0 {
            // All nine digits (the last digits unused when fewer are wanted), then keep `digits`.
            p[19] = 0x2E
            let f = UInt(truncatingIfNeeded: frac), high = f / 10_000_000, low = f % 10_000_000
            two(high, at: 20)
            two(low / 100_000, at: 22)
            two(low / 1_000 % 100, at: 24)
            two(low / 10 % 100, at: 26)
            p[28] = UInt8(truncatingIfNeeded: 0x30 &+ low % 10)
            n = 20 &+ digits
        }
        p[n] = 0x5A
        return n &+ 1
    }

    /// "00", "01", … "99": the two digits of `v` are the bytes at `2 * v`.
    private static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
}
