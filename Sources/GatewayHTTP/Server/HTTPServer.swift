// The HTTP/1.1 server: one epoll event loop per configured loop, each with its own listener on the
// same port. `start` binds and returns the port; `shutdown` stops accepting, lets requests in
// flight finish within a grace period and returns once every loop thread has exited.

public import GatewayCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let handler: any HTTPHandler
    private let logger: Logger
    private let counter = ConnectionCounter()

    private struct Running {
        var loops: [EventLoop] = []
        var threads: [LoopThread] = []
    }

    // LoopThread is not Sendable (a pthread handle); it is only created and joined under this lock.
    private let state = Mutex<Running?>(nil)
    /// The running loops, for `wakeLoops()`: not under `state`, which `shutdown` holds while the
    /// loops finish their requests in flight, and those may be waiting for a wake-up.
    private let wakeable = Mutex<[EventLoop]>([])

    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
    }

    /// Open connections across all loops.
    public var openConnections: Int { counter.current }

    /// Binds every loop's listener, starts the loop threads and returns the bound port.
    public func start() throws -> Int {
        try state.withLock { running throws(HTTPServerError) -> Int in
            guard running == nil else { throw HTTPServerError("server already started") }
            // A peer that disappears mid-write must not kill the process; sockets use MSG_NOSIGNAL
            // but OpenSSL writes with plain write(2).
            signal(SIGPIPE, SIG_IGN)
            let c = configuration
            if c.port != 0 { try Listener.ensureAvailable(host: c.host, port: c.port) }
            let settings = LoopSettings(c)
            var listeners: [Int32] = []
            var port = c.port
            var loops: [EventLoop] = []
            do throws(HTTPServerError) {
                for i in 0..<max(1, c.eventLoops) {
                    let (fd, bound) = try Listener.open(host: c.host, port: port, backlog: c.backlog)
                    listeners.append(fd)
                    port = bound
                    loops.append(try EventLoop(index: i, listenerFD: fd, settings: settings, handler: handler,
                                               logger: logger, counter: counter))
                }
            } catch {
                for fd in listeners.dropFirst(loops.count) { close(fd) }
                for loop in loops {
                    loop.requestShutdown(grace: 0)
                    loop.run()
                }
                throw error
            }
            var threads: [LoopThread] = []
            for loop in loops {
                threads.append(try LoopThread { loop.run() })
            }
            running = Running(loops: loops, threads: threads)
            wakeable.withLock { $0 = loops }
            logger.info("HTTP server listening", [("host", c.host), ("port", String(port)), ("loops", String(loops.count))])
            return port
        }
    }

    /// Stops accepting, lets requests in flight complete (their responders still work) and closes
    /// idle connections; after `grace` seconds whatever remains is closed. Returns when every loop
    /// thread has exited. Safe to call more than once.
    public func shutdown(grace: Double) {
        state.withLock { running in
            guard let r = running else { return }
            for loop in r.loops { loop.requestShutdown(grace: grace) }
            for t in r.threads { t.join() }
            wakeable.withLock { $0 = [] }
            running = Running()
        }
    }

    /// Makes every loop run a round, which ends with the handler's `eventLoopDidProcessEvents()`:
    /// how another thread gets work done on the loops without a request to carry it. Any thread.
    public func wakeLoops() {
        for loop in wakeable.withLock({ $0 }) { loop.wake() }
    }
}
