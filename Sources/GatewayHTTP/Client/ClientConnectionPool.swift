// Idle keep-alive connections per origin (scheme://host:port), shared by every thread that sends
// through one HTTPClient. Only the bookkeeping happens under the mutex; closing sockets and probing
// liveness happen outside it so one slow peer never stalls other senders.
import Synchronization

final class ClientConnectionPool: Sendable {
    private struct State {
        var idle: [String: [ClientConnection]] = [:]
        var isClosed = false
    }

    private let state = Mutex(State())
    private let maxIdlePerOrigin: Int
    private let idleTimeoutNanoseconds: UInt64

    init(maxIdlePerOrigin: Int, idleTimeout: Double) {
        self.maxIdlePerOrigin = max(0, maxIdlePerOrigin)
        self.idleTimeoutNanoseconds = UInt64(max(0, min(idleTimeout, 1e9)) * 1e9)
    }

    var isClosed: Bool { state.withLock { $0.isClosed } }

    var idleCount: Int { state.withLock { $0.idle.values.reduce(0) { $0 + $1.count } } }

    /// The most recently used idle connection to `origin` that is still alive, or nil.
    func checkout(origin: String) throws(HTTPClientError) -> ClientConnection? {
        while true {
            let now = ClientDeadline.now()
            let (candidate, expired, closed) = state.withLock { s -> (ClientConnection?, [ClientConnection], Bool) in
                if s.isClosed { return (nil, [], true) }
                guard var list = s.idle[origin] else { return (nil, [], false) }
                // The oldest connections sit at the front; drop those idle for longer than allowed
                // (servers close idle keep-alive connections on their own timer).
                let cut = list.firstIndex { now &- $0.idleSince < idleTimeoutNanoseconds } ?? list.count
                let expired = Array(list[..<cut])
                list.removeFirst(cut)
                let candidate = list.popLast()
                s.idle[origin] = list.isEmpty ? nil : list
                return (candidate, expired, false)
            }
            for c in expired { c.close() }
            if closed { throw .clientClosed }
            guard let candidate else { return nil }
            if candidate.isReusable() { return candidate }
            candidate.close()
        }
    }

    /// Returns a connection after a complete exchange; closed instead when the pool is full or shut.
    func checkin(_ connection: ClientConnection) {
        connection.idleSince = ClientDeadline.now()
        let accepted = state.withLock { s -> Bool in
            guard !s.isClosed, maxIdlePerOrigin > 0 else { return false }
            var list = s.idle[connection.origin, default: []]
            guard list.count < maxIdlePerOrigin else { return false }
            list.append(connection)
            s.idle[connection.origin] = list
            return true
        }
        if !accepted { connection.close() }
    }

    /// The idle connections right now, without taking them out (lets tests break one on purpose).
    var idleConnections: [ClientConnection] { state.withLock { $0.idle.values.flatMap { $0 } } }

    /// Closes every idle connection and refuses further checkouts.
    func close() {
        let all = state.withLock { s -> [ClientConnection] in
            s.isClosed = true
            let all = s.idle.values.flatMap { $0 }
            s.idle = [:]
            return all
        }
        for c in all { c.close() }
    }
}
