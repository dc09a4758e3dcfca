// `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. All three date forms
// senders still use are accepted (RFC 9110 §5.6.7 requires recipients to): IMF-fixdate
// `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`, and asctime
// `Sun Nov  6 08:49:37 1994`.

public import GatewayCore

public enum RetryAfter {
    /// Seconds to wait from `now`, never negative (a date in the past means "now"); nil when the
    /// value is not a valid delay or date.
    public static func seconds(from value: String, now: Timestamp) -> Double? {
        let v = value.trimmingWhitespace()
        if !v.isEmpty, v.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // Huge values are clamped rather than rejected: the receiver clearly wants a long pause.
            return Double(v.utf8.count > 9 ? 999_999_999 : Int(v)!)
        }
        guard let date = httpDate(v) else { return nil }
        return max(0, date.seconds(since: now))
    }

    /// Parses an HTTP-date in any of the three RFC 9110 forms.
    public static func httpDate(_ text: String) -> Timestamp? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" {
            // IMF-fixdate: day-name, DD Mon YYYY HH:MM:SS GMT
            guard let day = Int(parts[1]), let month = month(parts[2]), let year = Int(parts[3]) else { return nil }
            return make(year: year, month: month, day: day, time: parts[4])
        }
        if parts.count == 4, parts[0].hasSuffix(","), parts[3] == "GMT" {
            // RFC 850: day-name, DD-Mon-YY HH:MM:SS GMT
            let d = parts[1].split(separator: "-").map(String.init)
            guard d.count == 3, let day = Int(d[0]), let month = month(d[1]), let yy = Int(d[2]), d[2].count == 2 else { return nil }
            // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
            let year = yy < 70 ? 2000 + yy : 1900 + yy
            return make(year: year, month: month, day: day, time: parts[2])
        }
        if parts.count == 5 {
            // asctime: Sun Nov  6 08:49:37 1994
            guard let month = month(parts[1]), let day = Int(parts[2]), let year = Int(parts[4]) else { return nil }
            return make(year: year, month: month, day: day, time: parts[3])
        }
        return nil
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func month(_ s: String) -> Int? { months.firstIndex(of: s).map { $0 + 1 } }

    private static func make(year: Int, month: Int, day: Int, time: String) -> Timestamp? {
        let t = time.split(separator: ":").map { Int($0) }
        guard t.count == 3, let h = t[0], let m = t[1], let s = t[2],
              (0...23).contains(h), (0...59).contains(m), (0...60).contains(s),
              (1...31).contains(day), (1...9999).contains(year) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Timestamp(seconds: Int64(days * 86400 + h * 3600 + m * 60 + s))
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
