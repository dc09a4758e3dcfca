// The configuration as a loop uses it: durations pre-converted to monotonic nanoseconds (0 = off).
// A class of constants: connections read a setting or two per request through their loop, and
// reading a field of a struct stored in a class copied the whole struct (seven retains a request, in callgrind).

import GatewayCore

final class LoopSettings: Sendable {
    let parserLimits: HTTPParserLimits
    let headerTimeout: UInt64
    let bodyTimeout: UInt64
    let idleTimeout: UInt64
    let responseTimeout: UInt64
    let maxRequestsPerConnection: Int
    let maxConnections: Int
    /// How long a closing connection keeps draining the peer's unread bytes after its last response,
    /// so the kernel does not answer them with a RST that destroys that response in flight.
    let lingerTimeout: UInt64 = 1_000_000_000
    /// Requests read ahead of their responses on one connection; past this, reading pauses.
    let maxPipelined = 32
    /// Largest size a connection's read buffer grows to (always larger than the header limit).
    let readBufferSize: Int
    /// How often deadlines are checked: a fraction of the shortest timeout, 5 ms to 100 ms.
    let tick: UInt64
    let tls: (any TLSServerContext)?
    let roundSeconds: Histogram?

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
