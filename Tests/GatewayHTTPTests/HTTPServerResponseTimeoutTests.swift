// A handler that does not answer (a journal stalled on a sick disk): the request gets 503 with
// Retry-After once the response timeout passes, the connection closes, a late answer is dropped,
// and requests answered in time are unaffected.

import GatewayCore
import GatewayHTTP
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct HTTPServerResponseTimeoutTests {
    /// `/hang` is never answered until `release` is called (then answered late); the rest echo.
    final class HangingHandler: Sendable {
        let held = Mutex<[HTTPResponder]>([])
        var handler: TestHandler {
            TestHandler(handleRequest: { [self] request, responder in
                if request.path == "/hang" {
                    held.withLock { $0.append(responder) }
                } else {
                    TestHandler.echo(request, responder)
                }
            })
        }
        func release() {
            for r in held.withLock({ $0 }) { r.respond(HTTPResponse.text(200, "late\n")) }
        }
    }

    @Test func anUnansweredRequestGets503WithRetryAfterAndTheConnectionCloses() throws {
        let hanging = HangingHandler()
        try withServer({ $0.responseTimeout = 0.3 }, handler: hanging.handler) { port, _ in
            let c = try RawClient(port: port)
            let start = monotonicSeconds()
            c.send("POST /hang HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi")
            let r = try c.readResponse()
            let elapsed = monotonicSeconds() - start
            #expect(r.status == 503)
            #expect(r.headers["retry-after"] == "5")
            #expect(r.headers["connection"] == "close")
            #expect(elapsed > 0.25 && elapsed < 2.0, "answered after \(elapsed)s")
            #expect(c.isClosedByPeer())
            // The handler answering afterwards finds nothing to answer: no crash, nothing sent.
            hanging.release()
            usleep(100_000)

            // Other connections were never affected.
            let other = try RawClient(port: port)
            other.send("GET /fine HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try other.readResponse().headers["x-path"] == "/fine")
        }
    }

    @Test func pipelinedRequestsBehindTheLateOneAreDroppedWithTheConnection() throws {
        let hanging = HangingHandler()
        try withServer({ $0.responseTimeout = 0.3 }, handler: hanging.handler) { port, _ in
            let c = try RawClient(port: port)
            c.send("GET /first HTTP/1.1\r\nHost: h\r\n\r\nGET /hang HTTP/1.1\r\nHost: h\r\n\r\nGET /third HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try c.readResponse().headers["x-path"] == "/first", "the answered request before it still goes out")
            #expect(try c.readResponse().status == 503)
            #expect(c.isClosedByPeer(), "the third request is not answered: the connection closed after the 503")
        }
    }

    @Test func answersWithinTheTimeoutAreUntouchedAndZeroTurnsItOff() throws {
        let hanging = HangingHandler()
        try withServer({ $0.responseTimeout = 0 }, handler: hanging.handler) { port, _ in
            let c = try RawClient(port: port)
            c.setTimeout(0.8)
            c.send("GET /hang HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(throws: (any Error).self, "no answer without a response timeout") { try c.readResponse() }
            hanging.release()
        }
        try withServer({ $0.responseTimeout = 0.3 }) { port, _ in
            let c = try RawClient(port: port)
            #expect(try c.statuses(ofRequests: 5, path: "/ok", pause: 0.1) == [200, 200, 200, 200, 200])
        }
    }
}
