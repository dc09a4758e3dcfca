// Opens one non-blocking listening socket. Every loop opens its own on the same address with
// SO_REUSEPORT: the kernel spreads new connections across the loops' accept queues, no two loops
// ever wake for the same connection (the thundering herd EPOLLEXCLUSIVE only softens), and no
// lock is shared between loops on accept.

import CLinux
#if canImport(Glibc)
import Glibc
#endif

enum Listener {
    /// Fails with EADDRINUSE if anything already listens on host:port. SO_REUSEPORT would otherwise
    /// let a second gateway (same user) bind the same port silently and take half the traffic.
    static func ensureAvailable(host: String, port: Int) throws(HTTPServerError) {
        let (fd, _) = try open(host: host, port: port, backlog: 0, reusePort: false, listen: false)
        close(fd)
    }

    static func open(host: String, port: Int, backlog: Int, reusePort: Bool = true, listen shouldListen: Bool = true) throws(HTTPServerError) -> (fd: Int32, port: Int) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let ai = res else {
            throw HTTPServerError("resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(res) }

        let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket") }
        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size) == 0,
              !reusePort || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size) == 0
        else {
            let e = HTTPServerError.system("setsockopt SO_REUSEPORT")
            close(fd)
            throw e
        }
        guard bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 else {
            let e = HTTPServerError.system("bind \(host):\(port)")
            close(fd)
            throw e
        }
        guard !shouldListen || listen(fd, Int32(backlog)) == 0 else {
            let e = HTTPServerError.system("listen \(host):\(port)")
            close(fd)
            throw e
        }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard bound == 0 else {
            let e = HTTPServerError.system("getsockname")
            close(fd)
            throw e
        }
        return (fd, SocketAddress.port(of: storage))
    }
}
