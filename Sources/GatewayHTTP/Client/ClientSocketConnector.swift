// Opens a TCP connection to a host for the client: name resolution (ClientNameResolver) and then a
// non-blocking connect to each address in turn, all under one deadline, so neither a DNS server
// that does not answer nor an unreachable IPv6 address uses up more than the connect timeout.
import CLinux
import Glibc

enum ClientSocketConnector {
    /// A connected, non-blocking, close-on-exec socket with TCP_NODELAY set.
    static func connect(host: String, port: Int, deadline: ClientDeadline) throws(HTTPClientError) -> Int32 {
        let first = try ClientNameResolver.resolve(host: host, port: port, deadline: deadline)
        defer { freeaddrinfo(first) }

        var lastError = "no addresses"
        var tried = 0
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let ai = next {
            next = ai.pointee.ai_next
            tried += 1
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { lastError = String(cString: strerror(errno)); continue }
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) != 0 {
                let e = errno
                guard e == EINPROGRESS else { lastError = String(cString: strerror(e)); close(fd); continue }
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                var ready: Int32
                repeat { ready = poll(&pfd, 1, deadline.remainingMilliseconds) } while ready < 0 && errno == EINTR
                if ready == 0 { close(fd); throw .timeout(.connect) }
                var soError: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
                if ready < 0 || soError != 0 {
                    lastError = String(cString: strerror(ready < 0 ? errno : soError))
                    close(fd)
                    if deadline.hasPassed { throw .timeout(.connect) }
                    continue
                }
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return fd
        }
        let bracketed = host.contains(":") ? "[\(host)]" : host
        throw .connect("\(bracketed):\(port): \(lastError)\(tried > 1 ? " (tried \(tried) addresses)" : "")")
    }
}
