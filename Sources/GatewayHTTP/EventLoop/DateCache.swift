// The `Date` response header (RFC 9110 §6.6.1, IMF-fixdate) formatted at most once per second per
// loop, so writing it costs a 29-byte copy per response.

#if canImport(Glibc)
import Glibc
#endif

struct DateCache {
    private(set) var bytes: [UInt8] = []
    private var second: Int = -1

    private static let days: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Refreshes the text if the wall-clock second changed since the last call.
    mutating func refresh() {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &ts)
        let s = Int(ts.tv_sec)
        guard s != second else { return }
        second = s
        bytes = DateCache.format(epochSeconds: s)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    static func format(epochSeconds: Int) -> [UInt8] {
        var t = time_t(epochSeconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        var out = [UInt8]()
        out.reserveCapacity(29)
        func append(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        func two(_ v: Int32) { out.append(UInt8(0x30 + v / 10)); out.append(UInt8(0x30 + v % 10)) }
        append(days[Int(tm.tm_wday)])
        append(", ")
        two(tm.tm_mday)
        out.append(0x20)
        append(months[Int(tm.tm_mon)])
        out.append(0x20)
        let year = tm.tm_year + 1900
        two(year / 100)
        two(year % 100)
        out.append(0x20)
        two(tm.tm_hour)
        out.append(0x3A)
        two(tm.tm_min)
        out.append(0x3A)
        two(tm.tm_sec)
        append(" GMT")
        return out
    }
}
