// One TLS session (SSL*) over a socket, mapping OpenSSL's results onto TLSIOResult so the
// server's non-blocking loop and the client's poll-driven I/O can drive it the same way.
import COpenSSL
import Glibc
import GatewayHTTP

/// Not Sendable: an SSL object must be used by one thread at a time, which is exactly the
/// TLSConnection contract (a connection lives on one loop, or with one client call).
final class OpenSSLConnection: TLSConnection {
    private let ssl: OpaquePointer
    /// After SSL_ERROR_SYSCALL or SSL_ERROR_SSL, OpenSSL forbids SSL_shutdown.
    private var fatal = false
    private var didShutdown = false
    /// The name the certificate had to match, for error messages (clients only).
    private let expectedHost: String?

    init(ssl: OpaquePointer, expectedHost: String?) {
        self.ssl = ssl
        self.expectedHost = expectedHost
    }

    deinit { SSL_free(ssl) }

    func handshake() -> TLSIOResult {
        OpenSSLErrors.clear()
        let rc = SSL_do_handshake(ssl)
        return rc == 1 ? .done(0) : result(of: rc)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .done(0) }
        OpenSSLErrors.clear()
        var n = 0
        let rc = SSL_read_ex(ssl, base, buffer.count, &n)
        return rc == 1 ? .done(n) : result(of: rc)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .done(0) }
        OpenSSLErrors.clear()
        var n = 0
        let rc = SSL_write_ex(ssl, base, bytes.count, &n)
        return rc == 1 ? .done(n) : result(of: rc)
    }

    /// Sends close_notify once, without waiting for the peer's (the socket is closed right after).
    func shutdown() {
        guard !fatal, !didShutdown else { return }
        didShutdown = true
        OpenSSLErrors.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrors.clear()
    }

    private func result(of rc: Int32) -> TLSIOResult {
        let code = SSL_get_error(ssl, rc)
        switch code {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL:
            fatal = true
            let e = errno
            let queued = OpenSSLErrors.drain(fallback: "")
            // EOF without close_notify, or the peer reset/closed the socket: the connection is gone.
            if queued.isEmpty && (e == 0 || e == EPIPE || e == ECONNRESET) { return .closed }
            return .failed(queued.isEmpty ? "socket error: \(String(cString: strerror(e)))" : queued)
        case SSL_ERROR_SSL:
            fatal = true
            var text = OpenSSLErrors.drain(fallback: "TLS protocol error")
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                text += ": " + String(cString: X509_verify_cert_error_string(verify))
                if verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH, let expectedHost {
                    text += " (certificate is not valid for '\(expectedHost)')"
                }
            }
            return .failed(text)
        default:
            fatal = true
            return .failed(OpenSSLErrors.drain(fallback: "TLS error (SSL_get_error \(code))"))
        }
    }
}
