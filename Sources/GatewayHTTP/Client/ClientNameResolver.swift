// Resolves a sink's host within the request's deadline. Plain getaddrinfo cannot be bounded or
// cancelled: a DNS server that never answers holds the calling delivery worker for the resolver's
// timeout × attempts × search domains, far past the sink's connect timeout. So names go to glibc's
// asynchronous resolver (getaddrinfo_a, which runs getaddrinfo on its own thread pool) and the
// caller waits only until the deadline (gai_suspend), then gives up (gai_cancel).
// IP literals never need the network and resolve synchronously (AI_NUMERICHOST), without a thread.
//
// Lifetime. A lookup that gai_cancel cannot stop (EAI_NOTCANCELED: it is already running) goes on
// writing into its control block, reading its hints and name strings, and finally its result list,
// after the caller has returned. So those live in a heap object, `AsyncLookup`, with two owners:
// the caller, and the completion notification. The notification is SIGEV_THREAD, which glibc
// sends only after it has stopped touching the control block for good (it is sent under glibc's
// request mutex after the lookup's last write), and its thread releases its reference. Whoever lets
// go last frees everything, including a result nobody took — ARC's atomic count decides, so no
// extra synchronisation is needed. The one case where glibc will never notify is a lookup
// gai_cancel removed before it started (EAI_CANCELED); the caller then drops both references.
// A SIGEV_THREAD notification costs glibc one short-lived thread per lookup, which is small next to
// the lookup itself and happens only when a new connection is opened (the pool reuses them).
import CLinux
import Glibc

/// The asynchronous-lookup calls, replaceable so tests can drive a lookup that finishes only when
/// they say (there is no deterministic way to make a real DNS server stall in a test).
struct AsyncLookupBackend: Sendable {
    /// Starts the lookup; glibc calls `done(value)` on a new thread once it has finished with it.
    var start: @Sendable (UnsafeMutablePointer<clinux_gaicb>, @convention(c) (sigval) -> Void, UnsafeMutableRawPointer) -> Int32
    /// Blocks at most the given milliseconds, or less.
    var wait: @Sendable (UnsafeMutablePointer<clinux_gaicb>, Int32) -> Void
    /// gai_error: EAI_INPROGRESS while running, then getaddrinfo's result.
    var status: @Sendable (UnsafeMutablePointer<clinux_gaicb>) -> Int32
    /// gai_cancel: EAI_CANCELED, EAI_NOTCANCELED or EAI_ALLDONE.
    var cancel: @Sendable (UnsafeMutablePointer<clinux_gaicb>) -> Int32

    static let glibc = AsyncLookupBackend(
        start: { clinux_gai_start($0, $1, $2) },
        wait: { clinux_gai_wait($0, $1) },
        status: { clinux_gai_error($0) },
        cancel: { clinux_gai_cancel($0) })
}

/// One asynchronous lookup's memory: the control block and everything it points to.
final class AsyncLookup: @unchecked Sendable {
    let control: UnsafeMutablePointer<clinux_gaicb>
    private let hints: UnsafeMutablePointer<addrinfo>
    private let name: UnsafeMutablePointer<CChar>
    private let service: UnsafeMutablePointer<CChar>

    init(host: String, service: String, hints: addrinfo) {
        name = strdup(host)
        self.service = strdup(service)
        self.hints = .allocate(capacity: 1)
        self.hints.initialize(to: hints)
        control = .allocate(capacity: 1)
        control.initialize(to: clinux_gaicb())
        control.pointee.ar_name = UnsafePointer(name)
        control.pointee.ar_service = UnsafePointer(self.service)
        control.pointee.ar_request = UnsafePointer(self.hints)
    }

    /// The addresses of a finished, successful lookup; from then on the caller frees them.
    func takeResult() -> UnsafeMutablePointer<addrinfo>? {
        let result = control.pointee.ar_result
        control.pointee.ar_result = nil
        return result
    }

    deinit {
        if let result = control.pointee.ar_result { freeaddrinfo(result) }
        control.deallocate()
        hints.deallocate()
        free(name)
        free(service)
    }
}

/// The completion notification: drops the reference the lookup was started with.
private let lookupFinished: @convention(c) (sigval) -> Void = { value in
    guard let pointer = value.sival_ptr else { return }
    Unmanaged<AsyncLookup>.fromOpaque(pointer).release()
}

enum ClientNameResolver {
    /// The addresses of `host` (caller frees with freeaddrinfo), or `.resolutionTimeout` once
    /// `deadline` passes.
    static func resolve(host: String, port: Int, deadline: ClientDeadline,
                        backend: AsyncLookupBackend = .glibc) throws(HTTPClientError) -> UnsafeMutablePointer<addrinfo> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST
        var list: UnsafeMutablePointer<addrinfo>?
        let numeric = getaddrinfo(host, String(port), &hints, &list)
        if numeric == 0, let list { return list }
        guard numeric == EAI_NONAME else { throw failure(host, numeric) }

        if deadline.hasPassed { throw .resolutionTimeout(host: host) }
        hints.ai_flags = AI_NUMERICSERV
        let lookup = AsyncLookup(host: host, service: String(port), hints: hints)
        let completion = Unmanaged.passRetained(lookup)
        let started = backend.start(lookup.control, lookupFinished, completion.toOpaque())
        if started != 0 {
            // getaddrinfo_a can fail after enqueueing the lookup (out of memory for its wait list) or
            // send the notification even though nothing was enqueued: whether the completion's
            // reference will ever be dropped is unknowable, so it is left: a few hundred bytes in a
            // process already out of memory or threads, rather than a use-after-free.
            throw failure(host, started)
        }
        while true {
            let status = backend.status(lookup.control)
            if status != CLINUX_EAI_INPROGRESS {
                guard status == 0, let result = lookup.takeResult() else { throw failure(host, status) }
                return result
            }
            let remaining = deadline.remainingMilliseconds
            if remaining == 0 { break }
            backend.wait(lookup.control, remaining)
        }
        switch backend.cancel(lookup.control) {
        case CLINUX_EAI_CANCELED:
            // Removed before it ran: glibc will not notify, so the completion's reference goes here.
            completion.release()
        case CLINUX_EAI_ALLDONE:
            // Finished between the last look and the cancel: use it (the notification frees the rest).
            let status = backend.status(lookup.control)
            guard status == 0, let result = lookup.takeResult() else { throw failure(host, status) }
            return result
        default:
            // EAI_NOTCANCELED: still running; its notification frees it when it ends.
            break
        }
        throw .resolutionTimeout(host: host)
    }

    private static func failure(_ host: String, _ code: Int32) -> HTTPClientError {
        let why = code == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(code))
        return .connect("cannot resolve \(host): \(why)")
    }
}
