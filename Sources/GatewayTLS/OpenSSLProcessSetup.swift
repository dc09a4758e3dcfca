// Process-wide settings any TLS use needs, applied once when the first context is built.
import Glibc

enum OpenSSLProcessSetup {
    /// OpenSSL writes to sockets with write(2), which cannot take MSG_NOSIGNAL: a peer that vanished
    /// would kill the whole gateway with SIGPIPE. Ignoring the signal turns that into EPIPE, which
    /// the connection code handles.
    static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}
