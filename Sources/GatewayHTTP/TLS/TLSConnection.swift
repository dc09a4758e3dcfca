// The TLS seam of GatewayHTTP: the server's event loop and the HTTP client speak to TLS only
// through these protocols, so GatewayHTTP stays free of OpenSSL (GatewayTLS implements them).

/// The outcome of one TLS operation on a (possibly non-blocking) socket.
public enum TLSIOResult: Sendable, Equatable {
    /// The operation completed; for read/write, the number of plaintext bytes moved.
    case done(Int)
    /// The operation needs the socket to become readable before it can progress.
    case wantRead
    /// The operation needs the socket to become writable before it can progress.
    case wantWrite
    /// The peer closed the TLS session cleanly (close_notify) or the transport hit EOF.
    case closed
    /// A protocol or verification error; the text is safe to log (no key material).
    case failed(String)
}

/// One TLS session over a connected socket. Owned by one thread at a time (not Sendable).
public protocol TLSConnection: AnyObject {
    func handshake() -> TLSIOResult
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult
    func shutdown()
}

/// Creates server-side TLS sessions for accepted sockets; shared by all event-loop threads.
public protocol TLSServerContext: Sendable {
    func accept(fd: Int32) throws -> any TLSConnection
}

/// Creates client-side TLS sessions (with SNI and host-name verification for `serverName`).
public protocol TLSClientContext: Sendable {
    func connect(fd: Int32, serverName: String) throws -> any TLSConnection
}
