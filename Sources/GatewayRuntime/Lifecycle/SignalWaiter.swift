// Signals as plain values: the process blocks SIGTERM, SIGINT and SIGHUP in every thread (before
// any thread starts, so all threads inherit the mask) and the main thread takes them one at a time
// with sigwait, outside any signal-handler restrictions. SIGPIPE is ignored: a peer that vanished
// is an I/O error, not a reason to die.

#if canImport(Glibc)
import Glibc
#endif

enum GatewaySignal {
    case terminate
    case reload
}

enum SignalWaiter {
    private static func handledSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        return set
    }

    /// Call before starting any thread.
    static func install() {
        signal(SIGPIPE, SIG_IGN)
        var set = handledSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks until a handled signal arrives.
    static func next() -> GatewaySignal {
        var set = handledSet()
        while true {
            var sig: Int32 = 0
            guard sigwait(&set, &sig) == 0 else { continue }
            return sig == SIGHUP ? .reload : .terminate
        }
    }
}
