// A blocking HTTP/1.1 client for delivery workers: one call sends a request and returns the whole
// response, reusing keep-alive connections per origin. Never call it on an event-loop thread.

public final class HTTPClient: Sendable {
    /// Sent as User-Agent unless the request sets its own.
    public static let defaultUserAgent = "webhook-gateway/0.1.0"

    public struct Configuration: Sendable {
        /// Seconds allowed for name resolution, TCP connect and the TLS handshake together.
        public var connectTimeout: Double
        /// Seconds allowed from the first byte of the request written to the last byte of the
        /// response read.
        public var responseTimeout: Double
        /// Largest response body accepted; longer ones fail with `.responseTooLarge`.
        public var maxResponseBody: Int
        /// Largest status line plus header section accepted.
        public var maxResponseHead: Int
        /// Idle keep-alive connections kept per origin; 0 disables reuse.
        public var maxIdlePerOrigin: Int
        /// Seconds an idle connection may wait in the pool before it is closed instead of reused;
        /// keep it below the receivers' keep-alive timeouts (nginx 75 s, Node.js 5 s).
        public var idleTimeout: Double
        /// Needed for https URLs (GatewayTLS's `OpenSSLClientContext`); http works without it.
        public var tls: (any TLSClientContext)?
        public var userAgent: String

        public init(
            connectTimeout: Double = 10,
            responseTimeout: Double = 30,
            maxResponseBody: Int = 1024 * 1024,
            maxResponseHead: Int = 64 * 1024,
            maxIdlePerOrigin: Int = 8,
            idleTimeout: Double = 4,
            tls: (any TLSClientContext)? = nil,
            userAgent: String = HTTPClient.defaultUserAgent
        ) {
            self.connectTimeout = connectTimeout
            self.responseTimeout = responseTimeout
            self.maxResponseBody = maxResponseBody
            self.maxResponseHead = maxResponseHead
            self.maxIdlePerOrigin = maxIdlePerOrigin
            self.idleTimeout = idleTimeout
            self.tls = tls
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    let pool: ClientConnectionPool

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        pool = ClientConnectionPool(maxIdlePerOrigin: configuration.maxIdlePerOrigin, idleTimeout: configuration.idleTimeout)
    }

    deinit { pool.close() }

    /// Idle pooled connections right now (for metrics and tests).
    public var idleConnectionCount: Int { pool.idleCount }

    /// Sends `request` and blocks until the whole response has arrived, or fails. Thread-safe.
    /// Redirects are returned as they are, not followed. A request is replayed only when it went
    /// to a pooled connection that turned out dead before a single byte of it was written, so a
    /// request that may have reached the server is never sent twice.
    public func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        let bytes = try ClientRequestEncoder.encode(request, userAgent: configuration.userAgent)
        let requestWantsClose = request.headers.values("connection").contains { value in
            value.split(separator: ",").contains { ClientResponseHead.trimOWS($0).lowercased() == "close" }
        }
        var mayUsePool = true
        while true {
            let pooled = mayUsePool ? try pool.checkout(origin: request.url.origin) : nil
            let connection: ClientConnection
            if let pooled {
                connection = pooled
            } else {
                if pool.isClosed { throw .clientClosed }
                connection = try ClientConnection(
                    url: request.url, tlsContext: configuration.tls,
                    deadline: ClientDeadline(secondsFromNow: configuration.connectTimeout))
            }
            do {
                let (response, keepAlive) = try exchange(bytes, method: request.method, on: connection)
                if keepAlive && !requestWantsClose { pool.checkin(connection) } else { connection.close() }
                return response
            } catch {
                connection.close()
                if pooled != nil && !connection.requestBytesMaybeSent, case .closed = error {
                    mayUsePool = false  // the retry goes to a fresh connection, once
                    continue
                }
                throw error
            }
        }
    }

    /// Closes idle connections; later `send` calls fail with `.clientClosed`. Requests in flight
    /// finish, and their connections are closed rather than pooled.
    public func close() { pool.close() }

    private func exchange(_ bytes: [UInt8], method: String, on connection: ClientConnection)
        throws(HTTPClientError) -> (HTTPClientResponse, Bool)
    {
        let deadline = ClientDeadline(secondsFromNow: configuration.responseTimeout)
        connection.beginRequest()
        try connection.writeAll(bytes, deadline: deadline)
        var reader = ClientResponseReader(
            source: ConnectionByteSource(connection: connection, deadline: deadline),
            maxHeadBytes: configuration.maxResponseHead, maxBody: configuration.maxResponseBody)
        let (response, keepAlive) = try reader.readResponse(requestMethod: method)
        return (response, keepAlive)
    }
}

/// Feeds the response reader from a connection under the exchange's deadline.
struct ConnectionByteSource: ClientByteSource {
    let connection: ClientConnection
    let deadline: ClientDeadline

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPClientError) -> Int {
        try connection.read(into: buffer, deadline: deadline)
    }
}
