// Nanoseconds on CLOCK_MONOTONIC: deadlines must not jump when the wall clock is corrected.

#if canImport(Glibc)
import Glibc
#endif

enum MonotonicClock {
    @inline(__always)
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    static func nanoseconds(_ seconds: Double) -> UInt64 { seconds <= 0 ? 0 : UInt64(seconds * 1e9) }
}
