// One epoll event loop on its own thread: its own SO_REUSEPORT listener, the connections it
// accepted, a completion queue woken by eventfd, and a tick that checks connection deadlines
// (no thread and no timer fd per connection). Sockets are registered once, edge-triggered for
// reading and writing, so steady-state traffic costs no epoll_ctl calls.

import CLinux
import GatewayCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// @unchecked Sendable: a loop is shared with other threads only through `complete(...)`,
// `wake()` and `requestShutdown(...)`, which touch nothing but the Mutex-protected completion queue, the
// Mutex-protected shutdown request and the atomic thread id. Every other property is read and
// written only by the loop's own thread (connections, buffers, `now`, the date cache).
final class EventLoop: @unchecked Sendable {
    let index: Int
    let settings: LoopSettings
    let handler: any HTTPHandler
    let logger: Logger
    let counter: ConnectionCounter

    private let epfd: Int32
    private var listenerFD: Int32
    private let completions: CompletionQueue
    private let shutdownRequest = Mutex<Double?>(nil)
    private let threadID = Atomic<UInt>(0)

    private var connections: [Connection?] = []
    private var liveConnections = 0
    private var generation: UInt32 = 0
    private var acceptPausedUntil: UInt64 = 0

    private(set) var now: UInt64
    var date = DateCache()
    private(set) var stopping = false
    private var stopDeadline: UInt64 = 0
    private var nextTick: UInt64 = 0

    private static let listenerTag = UInt64.max
    private static let wakeTag = UInt64.max - 1

    init(index: Int, listenerFD: Int32, settings: LoopSettings, handler: any HTTPHandler, logger: Logger,
         counter: ConnectionCounter) throws(HTTPServerError) {
        self.index = index
        self.listenerFD = listenerFD
        self.settings = settings
        self.handler = handler
        self.logger = logger
        self.counter = counter
        completions = try CompletionQueue()
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else {
            completions.close()
            throw .system("epoll_create1")
        }
        now = MonotonicClock.now()
        date.refresh()
        guard register(listenerFD, events: EPOLLIN.rawValue, tag: EventLoop.listenerTag),
              register(completions.eventFD, events: EPOLLIN.rawValue, tag: EventLoop.wakeTag)
        else {
            let e = HTTPServerError.system("epoll_ctl")
            completions.close()
            Glibc.close(epfd)
            throw e
        }
    }

    private func register(_ fd: Int32, events: UInt32, tag: UInt64) -> Bool {
        var ev = epoll_event()
        ev.events = events
        ev.data.u64 = tag
        return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0
    }

    // MARK: cross-thread entry points

    func complete(connection: UInt64, sequence: UInt64, response: HTTPResponse) {
        if pthread_self() == threadID.load(ordering: .relaxed) {
            deliver(connection: connection, sequence: sequence, response: response)
        } else {
            completions.push(Completion(connection: connection, sequence: sequence, response: response))
        }
    }

    /// Makes the loop run a round (ending with the handler's `eventLoopDidProcessEvents`) even
    /// when no socket is ready.
    func wake() {
        completions.signal()
    }

    func requestShutdown(grace: Double) {
        shutdownRequest.withLock { $0 = grace }
        completions.signal()
    }

    private func deliver(connection: UInt64, sequence: UInt64, response: HTTPResponse) {
        let fd = Int(connection & 0xFFFF_FFFF)
        guard fd < connections.count, let c = connections[fd], c.id == connection else { return }
        c.deliver(sequence: sequence, response: response)
    }

    // MARK: the loop

    func run() {
        threadID.store(pthread_self(), ordering: .relaxed)
        let capacity: Int32 = 512
        var events = [epoll_event](repeating: epoll_event(), count: Int(capacity))
        var drained: [Completion] = []
        let notifiesWait = handler.wantsEventLoopWillWait
        nextTick = now &+ settings.tick
        while true {
            // For a handler that wants to know when the loop is about to block: a look without
            // waiting first, and the notice only when it finds nothing.
            var n = notifiesWait ? events.withUnsafeMutableBufferPointer { epoll_wait(epfd, $0.baseAddress, capacity, 0) } : 0
            if n == 0 {
                if notifiesWait { handler.eventLoopWillWait() }
                n = events.withUnsafeMutableBufferPointer { epoll_wait(epfd, $0.baseAddress, capacity, waitTimeout()) }
            }
            now = MonotonicClock.now()
            date.refresh()
            if n < 0 {
                if errno == EINTR { continue }
                logger.error("epoll_wait failed; event loop stops", [("loop", String(index)), ("errno", String(errno))])
                break
            }
            for i in 0..<Int(n) {
                let tag = events[i].data.u64
                if tag == EventLoop.listenerTag {
                    acceptConnections()
                } else if tag == EventLoop.wakeTag {
                    completions.drain(into: &drained)
                    for c in drained { deliver(connection: c.connection, sequence: c.sequence, response: c.response) }
                    drained.removeAll(keepingCapacity: true)
                    if !stopping, let grace = shutdownRequest.withLock({ $0 }) { beginShutdown(grace: grace) }
                } else {
                    let fd = Int(tag & 0xFFFF_FFFF)
                    if fd < connections.count, let c = connections[fd], c.id == tag {
                        c.drive(hangup: events[i].events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0)
                    }
                }
            }
            if n > 0 {
                handler.eventLoopDidProcessEvents()
                if let histogram = settings.roundSeconds {
                    histogram.observe(Double(MonotonicClock.now() &- now) / 1e9)
                }
            }
            if now >= nextTick {
                checkDeadlines()
                nextTick = now &+ settings.tick
            }
            if stopping && (liveConnections == 0 || now >= stopDeadline) { break }
        }
        for case let c? in connections { close(c) }
        if listenerFD >= 0 { Glibc.close(listenerFD) }
        completions.close()
        Glibc.close(epfd)
    }

    private func waitTimeout() -> Int32 {
        guard liveConnections > 0 || stopping || acceptPausedUntil > 0 else { return -1 }
        let wait = nextTick > now ? nextTick - now : 0
        return Int32((wait + 999_999) / 1_000_000)
    }

    private func checkDeadlines() {
        if acceptPausedUntil > 0 && now >= acceptPausedUntil && listenerFD >= 0 {
            acceptPausedUntil = 0
            var ev = epoll_event()
            ev.events = EPOLLIN.rawValue
            ev.data.u64 = EventLoop.listenerTag
            _ = epoll_ctl(epfd, EPOLL_CTL_MOD, listenerFD, &ev)
        }
        for case let c? in connections where c.deadline != 0 && now >= c.deadline {
            c.timedOut()
        }
    }

    // MARK: accepting

    private func acceptConnections() {
        while listenerFD >= 0 {
            var addr = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    clinux_accept_nonblocking(listenerFD, $0, &len)
                }
            }
            if fd < 0 {
                let e = errno
                if e == EAGAIN || e == EWOULDBLOCK { return }
                if e == EINTR || e == ECONNABORTED { continue }
                // Out of descriptors or memory: stop accepting for a moment instead of spinning
                // on a listener that stays readable.
                logger.warning("accept failed; pausing accepts for 100ms", [("errno", String(e))])
                var ev = epoll_event()
                _ = epoll_ctl(epfd, EPOLL_CTL_MOD, listenerFD, &ev)
                acceptPausedUntil = now &+ 100_000_000
                return
            }
            guard counter.tryAcquire(max: settings.maxConnections) else {
                // Over max_connections: answer at once instead of leaving it in the backlog.
                EventLoop.overloaded.withUnsafeBytes { _ = send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                Glibc.close(fd)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            var tls: (any TLSConnection)?
            if let context = settings.tls {
                do {
                    tls = try context.accept(fd: fd)
                } catch {
                    logger.warning("TLS session setup failed", [("error", String(describing: error))])
                    Glibc.close(fd)
                    counter.release()
                    continue
                }
            }
            generation = generation == UInt32.max ? 1 : generation + 1
            let id = UInt64(UInt32(fd)) | UInt64(generation) << 32
            let c = Connection(id: id, loop: self, transport: Transport(fd: fd, tls: tls), remoteAddress: SocketAddress.describe(addr))
            guard register(fd, events: EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue, tag: id) else {
                c.transport.close()
                counter.release()
                continue
            }
            if Int(fd) >= connections.count {
                connections.append(contentsOf: repeatElement(nil, count: max(Int(fd) + 1 - connections.count, connections.count)))
            }
            connections[Int(fd)] = c
            liveConnections += 1
            if stopping { c.beginShutdown() }
            c.updateDeadline()
        }
    }

    private static let overloaded: [UInt8] = Array(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 20\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n\r\ntoo many connections".utf8)

    func close(_ c: Connection) {
        guard !c.closed else { return }
        c.closed = true
        let fd = Int(c.id & 0xFFFF_FFFF)
        if fd < connections.count, connections[fd] === c { connections[fd] = nil }
        liveConnections -= 1
        counter.release()
        c.transport.close()
    }

    // MARK: shutdown

    private func beginShutdown(grace: Double) {
        stopping = true
        stopDeadline = now &+ MonotonicClock.nanoseconds(grace)
        if listenerFD >= 0 {
            _ = epoll_ctl(epfd, EPOLL_CTL_DEL, listenerFD, nil)
            Glibc.close(listenerFD)
            listenerFD = -1
        }
        for case let c? in connections { c.beginShutdown() }
    }
}
