// Byte I/O of one accepted connection: the plain non-blocking socket, or a TLS session over it.
// Both report "would block" instead of blocking; with TLS, a read may need the socket writable
// and the reverse, which the loop handles by retrying both directions on any readiness event.

import CLinux
#if canImport(Glibc)
import Glibc
#endif

enum TransportResult {
    case bytes(Int)
    case wouldBlock
    case eof
    case failed(String)
}

struct Transport {
    let fd: Int32
    let tls: (any TLSConnection)?
    private(set) var handshakeDone: Bool

    init(fd: Int32, tls: (any TLSConnection)?) {
        self.fd = fd
        self.tls = tls
        handshakeDone = tls == nil
    }

    /// Advances the TLS handshake; `.bytes(0)` once it is complete.
    mutating func handshake() -> TransportResult {
        guard let tls, !handshakeDone else { return .bytes(0) }
        switch tls.handshake() {
        case .done:
            handshakeDone = true
            return .bytes(0)
        case .wantRead, .wantWrite: return .wouldBlock
        case .closed: return .eof
        case .failed(let why): return .failed(why)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TransportResult {
        if let tls { return Transport.map(tls.read(into: buffer)) }
        let n = recv(fd, buffer.baseAddress, buffer.count, 0)
        if n > 0 { return .bytes(n) }
        if n == 0 { return .eof }
        return Transport.mapErrno()
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TransportResult {
        if let tls { return Transport.map(tls.write(bytes)) }
        // MSG_NOSIGNAL: a peer that went away must not raise SIGPIPE in the whole process.
        let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if n >= 0 { return .bytes(n) }
        return Transport.mapErrno()
    }

    private var shutdownSent = false

    /// Half-closes: TLS close_notify first, then FIN, while reads continue.
    mutating func shutdownWrite() {
        if !shutdownSent { tls?.shutdown() }
        shutdownSent = true
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    func close() {
        if !shutdownSent { tls?.shutdown() }
        Glibc.close(fd)
    }

    private static func map(_ r: TLSIOResult) -> TransportResult {
        switch r {
        case .done(let n): n == 0 ? .wouldBlock : .bytes(n)
        case .wantRead, .wantWrite: .wouldBlock
        case .closed: .eof
        case .failed(let why): .failed(why)
        }
    }

    private static func mapErrno() -> TransportResult {
        let e = errno
        if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { return .wouldBlock }
        return .failed(String(cString: strerror(e)))
    }
}
