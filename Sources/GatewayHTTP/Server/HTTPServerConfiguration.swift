// Limits and timeouts of the HTTP server (`server:` in gateway.yaml). Plain values with defaults;
// the runtime decodes the YAML and fills this in. Durations are in seconds.

public import GatewayCore

public struct HTTPServerConfiguration: Sendable {
    /// Address to bind (`0.0.0.0`, `::`, `127.0.0.1`, or a name resolved once at start).
    public var host: String
    /// Port to bind; 0 picks an ephemeral port, which `HTTPServer.start()` returns.
    public var port: Int
    /// Event-loop threads, each with its own listener and connections. Default: one per core.
    public var eventLoops: Int
    /// Open connections across all loops; above this a new connection gets 503 and is closed.
    public var maxConnections: Int
    /// The body limit the runtime hands to `HeadVerdict.accept(bodyLimit:)` for routes without
    /// their own; the server itself only applies what `prepare` returns.
    public var defaultBodyLimit: Int
    /// Bytes of request line plus header fields (also the bound for chunked trailers); over it: 431.
    public var headerLimit: Int
    /// Header field lines per request; over it: 431.
    public var maxHeaders: Int
    /// From the first byte of a request until its head is complete (cuts off slowloris senders).
    public var headerTimeout: Double
    /// From the end of the head until the last body byte: a total, so a trickled body is cut off too.
    public var bodyTimeout: Double
    /// A keep-alive connection with no request in progress is closed after this long.
    public var idleTimeout: Double
    /// From handing a complete request to the handler until its response: past it the request is
    /// answered 503 with Retry-After and the connection closed (a late response is dropped). 0: none.
    public var responseTimeout: Double
    /// The response to this request carries `Connection: close`; 0 means unlimited.
    public var maxRequestsPerConnection: Int
    /// Default bound for `HTTPServer.shutdown(grace:)` callers that take it from configuration.
    public var shutdownGrace: Double
    /// Listen backlog per listener (the kernel caps it at `net.core.somaxconn`).
    public var backlog: Int
    /// TLS termination; nil serves plaintext.
    public var tls: (any TLSServerContext)?
    /// When set, every event-loop round (the work between two `epoll_wait`s: reading, handling,
    /// committing and answering what became ready) is observed here, in seconds. A request waits
    /// for the rounds it lands in, so long rounds are where latency tails come from.
    public var roundSeconds: Histogram?

    public init(
        host: String = "0.0.0.0", port: Int = 8080, eventLoops: Int = HTTPServerConfiguration.coreCount,
        maxConnections: Int = 10_000, defaultBodyLimit: Int = 10 * 1024 * 1024, headerLimit: Int = 16 * 1024,
        maxHeaders: Int = 100, headerTimeout: Double = 10, bodyTimeout: Double = 60, idleTimeout: Double = 60,
        responseTimeout: Double = 30, maxRequestsPerConnection: Int = 1000, shutdownGrace: Double = 10, backlog: Int = 4096,
        tls: (any TLSServerContext)? = nil
    ) {
        self.host = host
        self.port = port
        self.eventLoops = eventLoops
        self.maxConnections = maxConnections
        self.defaultBodyLimit = defaultBodyLimit
        self.headerLimit = headerLimit
        self.maxHeaders = maxHeaders
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.responseTimeout = responseTimeout
        self.maxRequestsPerConnection = maxRequestsPerConnection
        self.shutdownGrace = shutdownGrace
        self.backlog = backlog
        self.tls = tls
    }

    /// Online processors, at least 1.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

#if canImport(Glibc)
import Glibc
#endif
