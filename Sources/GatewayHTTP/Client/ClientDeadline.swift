// A point on the monotonic clock by which a phase of an exchange must finish; converts to the
// millisecond budgets poll(2) takes, so one deadline bounds a whole phase however many reads it needs.
import Glibc

struct ClientDeadline: Sendable {
    let nanoseconds: UInt64

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    init(secondsFromNow seconds: Double) {
        let span = seconds <= 0 ? 0 : min(seconds, 1e9) * 1e9
        nanoseconds = ClientDeadline.now() &+ UInt64(span)
    }

    /// Milliseconds left for poll(2), rounded up so a nearly-spent deadline still waits once; 0 when past.
    var remainingMilliseconds: Int32 {
        let now = ClientDeadline.now()
        guard nanoseconds > now else { return 0 }
        let ms = (nanoseconds - now + 999_999) / 1_000_000
        return Int32(clamping: ms)
    }

    var hasPassed: Bool { ClientDeadline.now() >= nanoseconds }
}
