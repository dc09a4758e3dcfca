// One client connection (plain TCP or TLS over it) with deadline-bounded blocking reads and writes
// built from non-blocking calls plus poll(2), and the "is this pooled connection still alive" check.
import CLinux
import Glibc

/// Safe to move between threads (`@unchecked Sendable`) because it is only ever used by one owner at a
/// time: the pool keeps it under its mutex while idle, and exactly one `send` holds it while in use.
/// The TLS session it wraps is not thread-safe, which this ownership rule respects.
final class ClientConnection: @unchecked Sendable {
    let fd: Int32
    let origin: String
    private let tls: (any TLSConnection)?
    /// Monotonic time when the connection was last returned to the pool.
    var idleSince: UInt64 = 0
    /// Set once any byte of the current request may have left this process; decides whether a
    /// failed request may be replayed on another connection.
    private(set) var requestBytesMaybeSent = false
    private var isClosed = false

    /// Connects (and, for https, completes the TLS handshake) within `deadline`.
    init(url: HTTPURL, tlsContext: (any TLSClientContext)?, deadline: ClientDeadline) throws(HTTPClientError) {
        if url.scheme == .https && tlsContext == nil {
            throw .invalidRequest("https URL but the client has no TLS context configured")
        }
        fd = try ClientSocketConnector.connect(host: url.host, port: url.port, deadline: deadline)
        origin = url.origin
        guard url.scheme == .https, let tlsContext else { tls = nil; return }
        let session: any TLSConnection
        do {
            session = try tlsContext.connect(fd: fd, serverName: url.host)
        } catch {
            Glibc.close(fd)
            throw .tls("cannot start TLS session: \(error)")
        }
        tls = session
        while true {
            let result = session.handshake()
            switch result {
            case .done: return
            case .wantRead, .wantWrite:
                if !wait(for: result == .wantRead ? POLLIN : POLLOUT, deadline: deadline) {
                    close()
                    throw .timeout(.tlsHandshake)
                }
            case .closed:
                close()
                throw .tls("server closed the connection during the handshake")
            case .failed(let why):
                close()
                throw .tls(why)
            }
        }
    }

    /// Marks the start of a new request on this connection.
    func beginRequest() { requestBytesMaybeSent = false }

    /// Writes all of `bytes` or throws; `.timeout(.request)` when the deadline passes first.
    func writeAll(_ bytes: [UInt8], deadline: ClientDeadline) throws(HTTPClientError) {
        let outcome: Result<Void, HTTPClientError> = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                switch writeSome(UnsafeRawBufferPointer(rebasing: raw[offset...]), deadline: deadline) {
                case .success(let n): offset += n
                case .failure(let error): return .failure(error)
                }
            }
            return .success(())
        }
        try outcome.get()
    }

    private func writeSome(_ chunk: UnsafeRawBufferPointer, deadline: ClientDeadline) -> Result<Int, HTTPClientError> {
        while true {
            if let tls {
                let result = tls.write(chunk)
                switch result {
                case .done(let n):
                    requestBytesMaybeSent = true
                    return .success(n)
                case .wantRead, .wantWrite:
                    // A partial TLS record may already be on the wire.
                    requestBytesMaybeSent = true
                    if !wait(for: result == .wantRead ? POLLIN : POLLOUT, deadline: deadline) { return .failure(.timeout(.request)) }
                case .closed: return .failure(.closed("server closed the TLS session while the request was being written"))
                case .failed(let why): return .failure(.tls(why))
                }
            } else {
                // MSG_NOSIGNAL: a peer that went away must give EPIPE, not kill the process with SIGPIPE.
                let n = send(fd, chunk.baseAddress, chunk.count, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    requestBytesMaybeSent = true
                    return .success(n)
                }
                let e = errno
                if n < 0 && e == EINTR { continue }
                if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) {
                    if !wait(for: POLLOUT, deadline: deadline) { return .failure(.timeout(.request)) }
                    continue
                }
                return .failure(.closed("writing the request failed: \(String(cString: strerror(e)))"))
            }
        }
    }

    /// Reads up to `buffer.count` bytes; 0 means the server closed the connection.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: ClientDeadline) throws(HTTPClientError) -> Int {
        while true {
            if let tls {
                let result = tls.read(into: buffer)
                switch result {
                case .done(let n): return n
                case .closed: return 0
                case .wantRead, .wantWrite:
                    if !wait(for: result == .wantRead ? POLLIN : POLLOUT, deadline: deadline) { throw .timeout(.response) }
                case .failed(let why): throw .tls(why)
                }
            } else {
                let n = recv(fd, buffer.baseAddress, buffer.count, 0)
                if n >= 0 { return n }
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK {
                    if !wait(for: POLLIN, deadline: deadline) { throw .timeout(.response) }
                    continue
                }
                throw .closed("reading the response failed: \(String(cString: strerror(e)))")
            }
        }
    }

    /// Whether an idle pooled connection can carry another request: nothing may be readable on it,
    /// since an idle HTTP/1.1 connection only becomes readable when the server closed it (EOF or
    /// RST) or sent something unsolicited. TLS 1.3 session tickets are the exception: they are
    /// consumed here and do not disqualify the connection.
    func isReusable() -> Bool {
        for _ in 0..<4 {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 0)
            if ready == 0 { return true }
            if ready < 0 || pfd.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return false }
            guard let tls else { return false }  // plain: readable means EOF or stray bytes
            var scratch: UInt8 = 0
            let result = withUnsafeMutableBytes(of: &scratch) { tls.read(into: $0) }
            guard result == .wantRead else { return false }
        }
        return false
    }

    /// Sends close_notify for TLS (best effort) and closes the socket; idempotent.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        tls?.shutdown()
        Glibc.close(fd)
    }

    deinit { close() }

    /// Waits until `event` is possible or the deadline passes (false).
    private func wait(for event: Int32, deadline: ClientDeadline) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(event), revents: 0)
        while true {
            let ms = deadline.remainingMilliseconds
            if ms == 0 { return false }
            let ready = poll(&pfd, 1, ms)
            if ready > 0 { return true }  // including POLLERR/POLLHUP: the next call reports it
            if ready == 0 { return false }
            if errno != EINTR { return true }
        }
    }
}
