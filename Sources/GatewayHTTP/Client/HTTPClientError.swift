// Why a client exchange failed. Every case says where it failed so a sink can log one line that
// explains it; none carries request data (URLs, headers or bodies may hold secrets).

public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in an exchange a timeout struck.
    public enum Phase: String, Sendable, Equatable {
        /// TCP connect, to all of the host's addresses in turn (name resolution, bounded by the same
        /// deadline, has its own case: `resolutionTimeout`).
        case connect
        /// The TLS handshake, bounded by the connect timeout too.
        case tlsHandshake = "TLS handshake"
        /// Writing the request.
        case request
        /// Waiting for or reading the response.
        case response
    }

    /// The URL could not be parsed; the text says why.
    case invalidURL(String)
    /// The request cannot be sent as given (a header with CR/LF, an invalid method, https without TLS).
    case invalidRequest(String)
    /// Name resolution or TCP connect failed (refused, unreachable, unknown host).
    case connect(String)
    case timeout(Phase)
    /// Resolving the host's name took longer than the connect timeout (its DNS server did not
    /// answer in time). Retryable like a connect timeout.
    case resolutionTimeout(host: String)
    /// Handshake or certificate verification failed, or the TLS session broke.
    case tls(String)
    /// The server's response is not valid HTTP/1.x.
    case protocolError(String)
    /// The response body is longer than `Configuration.maxResponseBody`.
    case responseTooLarge(limit: Int)
    /// The connection was closed or reset before the response was complete. The request may have
    /// reached the server.
    case closed(String)
    /// `HTTPClient.close()` was called.
    case clientClosed

    /// False for errors that sending the same request again cannot fix (a bad URL or request);
    /// everything else is about the network or the server and may succeed later.
    public var isRetryable: Bool {
        switch self {
        case .invalidURL, .invalidRequest: return false
        default: return true
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let why): return "invalid URL: \(why)"
        case .invalidRequest(let why): return "invalid request: \(why)"
        case .connect(let why): return "connect failed: \(why)"
        case .timeout(let phase): return "timed out during \(phase.rawValue)"
        case .resolutionTimeout(let host): return "timed out resolving \(host)"
        case .tls(let why): return "TLS error: \(why)"
        case .protocolError(let why): return "HTTP protocol error in response: \(why)"
        case .responseTooLarge(let limit): return "response body exceeds the limit of \(limit) bytes"
        case .closed(let why): return "connection closed: \(why)"
        case .clientClosed: return "HTTP client is closed"
        }
    }
}
