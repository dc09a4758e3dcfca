// Timeouts and limits against the real server with short timeouts (300 ms): slowloris heads,
// trickled bodies, idle keep-alive, requests per connection and max connections.

import Testing
import GatewayHTTP
#if canImport(Glibc)
import Glibc
#endif

@Suite struct HTTPServerLimitsTests {
    @Test func slowHeaderSenderIsCutOffByHeaderTimeout() throws {
        try withServer({ $0.headerTimeout = 0.3 }) { port, _ in
            let c = try RawClient(port: port)
            let start = monotonicSeconds()
            // One byte every 50 ms: always active, never complete.
            var cutOff = false
            for b in Array("GET / HTTP/1.1\r\nHost: h\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 100) {
                c.send([b])
                usleep(50_000)
                var pfd = pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, 0) > 0 { cutOff = true; break }
            }
            let elapsed = monotonicSeconds() - start
            #expect(cutOff)
            #expect(elapsed < 2.0)
            let r = try c.readResponse()
            #expect(r.status == 408)
            #expect(r.headers["connection"] == "close")
            #expect(c.isClosedByPeer())
        }
    }

    @Test func silentNewConnectionIsClosedByHeaderTimeoutNotIdleTimeout() throws {
        try withServer({ $0.headerTimeout = 0.3; $0.idleTimeout = 30 }) { port, server in
            let c = try RawClient(port: port)
            let start = monotonicSeconds()
            #expect(c.isClosedByPeer())
            #expect(monotonicSeconds() - start < 2)
            usleep(50_000)
            #expect(server.openConnections == 0)
        }
    }

    @Test func trickledBodyIsCutOffByBodyTimeout() throws {
        try withServer({ $0.bodyTimeout = 0.3 }) { port, _ in
            let c = try RawClient(port: port)
            let start = monotonicSeconds()
            c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nabc")
            let r = try c.readResponse()
            #expect(r.status == 408)
            #expect(monotonicSeconds() - start < 2.0)
            #expect(c.isClosedByPeer())
        }
    }

    @Test func idleKeepAliveConnectionClosesAfterIdleTimeout() throws {
        try withServer({ $0.idleTimeout = 0.3 }) { port, _ in
            let c = try RawClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try c.readResponse().status == 200)
            let start = monotonicSeconds()
            #expect(c.isClosedByPeer())
            let elapsed = monotonicSeconds() - start
            #expect(elapsed > 0.2 && elapsed < 2.0, "closed after \(elapsed)s")
        }
    }

    @Test func keepAliveSurvivesShortPauses() throws {
        try withServer({ $0.idleTimeout = 1 }) { port, _ in
            let c = try RawClient(port: port)
            #expect(try c.statuses(ofRequests: 3, pause: 0.2) == [200, 200, 200])
        }
    }

    @Test func lastAllowedRequestOnConnectionCarriesConnectionClose() throws {
        try withServer({ $0.maxRequestsPerConnection = 2 }) { port, _ in
            let c = try RawClient(port: port)
            c.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n")
            let first = try c.readResponse()
            #expect(first.headers["connection"] == nil)
            c.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n")
            let second = try c.readResponse()
            #expect(second.status == 200)
            #expect(second.headers["connection"] == "close")
            #expect(c.isClosedByPeer())
        }
    }

    @Test func connectionsOverMaxConnectionsAreAnswered503AndClosed() throws {
        try withServer({ $0.maxConnections = 2 }) { port, server in
            let a = try RawClient(port: port)
            let b = try RawClient(port: port)
            a.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            b.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try a.readResponse().status == 200)
            #expect(try b.readResponse().status == 200)
            #expect(server.openConnections == 2)
            let c = try RawClient(port: port)
            let r = try c.readResponse()
            #expect(r.status == 503)
            #expect(c.isClosedByPeer())
            #expect(server.openConnections == 2)
            // A slot frees up once a connection closes.
            a.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            _ = try a.readResponse()
            #expect(a.isClosedByPeer())
            a.shutdownWrite()
            usleep(100_000)
            let d = try RawClient(port: port)
            d.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try d.readResponse().status == 200)
        }
    }
}
