// The configuration as a loop uses it: durations pre-converted to monotonic nanoseconds (0 = off).

import GatewayCore

struct LoopSettings: Sendable {
    var parserLimits: HTTPParserLimits
    var headerTimeout: UInt64
    var bodyTimeout: UInt64
    var idleTimeout: UInt64
    var responseTimeout: UInt64
    var maxRequestsPerConnection: Int
    var maxConnections: Int
    /// How long a closing connection keeps draining the peer's unread bytes after its last response,
    /// so the kernel does not answer them with a RST that destroys that response in flight.
    var lingerTimeout: UInt64 = 1_000_000_000
    /// Requests read ahead of their responses on one connection; past this, reading pauses.
    var maxPipelined = 32
    /// Largest size a connection's read buffer grows to (always larger than the header limit).
    var readBufferSize: Int
    /// How often deadlines are checked: a fraction of the shortest timeout, 5 ms to 100 ms.
    var tick: UInt64
    var tls: (any TLSServerContext)?
    var roundSeconds: Histogram?

    init(_ c: HTTPServerConfiguration) {
        parserLimits = HTTPParserLimits(headerLimit: c.headerLimit, maxHeaders: c.maxHeaders)
        headerTimeout = MonotonicClock.nanoseconds(c.headerTimeout)
        bodyTimeout = MonotonicClock.nanoseconds(c.bodyTimeout)
        idleTimeout = MonotonicClock.nanoseconds(c.idleTimeout)
        responseTimeout = MonotonicClock.nanoseconds(c.responseTimeout)
        maxRequestsPerConnection = c.maxRequestsPerConnection
        maxConnections = c.maxConnections
        readBufferSize = max(16 * 1024, c.headerLimit + 1024)
        let shortest: UInt64 = [headerTimeout, bodyTimeout, idleTimeout, responseTimeout].filter { $0 > 0 }.min() ?? 1_000_000_000
        tick = min(100_000_000, max(5_000_000, shortest / 8))
        tls = c.tls
        roundSeconds = c.roundSeconds
    }
}
