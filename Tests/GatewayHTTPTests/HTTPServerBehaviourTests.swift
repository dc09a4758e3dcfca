// Protocol behaviour against the real server: 100-continue, HTTP/1.0, HEAD, pipelining answered in
// order while the handler completes out of order on other threads, and graceful shutdown.

import Testing
import GatewayCore
import GatewayHTTP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

@Suite struct HTTPServerBehaviourTests {
    @Test func sends100ContinueOnlyAfterHeadIsAccepted() throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send("POST /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try c.readResponse()
            #expect(interim.status == 100)
            c.send("hello")
            let final = try c.readResponse()
            #expect(final.status == 200)
            #expect(final.text == "hello")
        }
    }

    @Test func rejectedExpectContinueGetsFinalStatusWithout100() throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send("POST /missing HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 404)
            #expect(r.headers["connection"] == "close")
            #expect(c.isClosedByPeer())
        }
    }

    @Test func expectContinueOverBodyLimitGets413Without100() throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send("POST /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 999999\r\n\r\n")
            #expect(try c.readResponse().status == 413)
            #expect(c.isClosedByPeer())
        }
    }

    @Test func http10ClosesUnlessKeepAliveRequested() throws {
        try withServer { port, _ in
            let plain = try RawClient(port: port)
            plain.send("GET /a HTTP/1.0\r\n\r\n")
            let r = try plain.readResponse()
            #expect(r.status == 200)
            #expect(r.headers["connection"] == "close")
            #expect(plain.isClosedByPeer())

            let keep = try RawClient(port: port)
            keep.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = try keep.readResponse()
            #expect(first.headers["connection"] == "keep-alive")
            keep.send("GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try keep.readResponse().headers["x-path"] == "/c")
        }
    }

    @Test func responsesCarryContentLengthAndDate() throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
            let r = try c.readResponse()
            #expect(r.headers["content-length"] == "3")
            #expect(r.headers["date"]?.hasSuffix(" GMT") == true)
            #expect(r.headers["date"]?.count == 29)
        }
    }

    @Test func headResponseHasContentLengthButNoBody() throws {
        let handler = TestHandler(handleRequest: { _, responder in
            responder.respond(HTTPResponse.text(200, "twelve bytes"))
        })
        try withServer(handler: handler) { port, _ in
            let c = try RawClient(port: port)
            c.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
            let head = try c.readResponse(headRequest: true)
            #expect(head.headers["content-length"] == "12")
            // If the HEAD response had carried a body, this would read it as a status line.
            let get = try c.readResponse()
            #expect(get.status == 200)
            #expect(get.text == "twelve bytes")
        }
    }

    @Test func pipelinedResponsesStayInOrderWhenHandlerCompletesOutOfOrder() throws {
        let count = 6
        // Request i is answered after (count - i) * 40 ms on another thread: the last finishes first.
        let handler = TestHandler(handleRequest: { request, responder in
            let i = Int(request.path.dropFirst()) ?? 0
            runOnThread(after: Double(count - i) * 0.04) {
                responder.respond(HTTPResponse(status: 200, body: Array(request.path.utf8)))
            }
        })
        try withServer(handler: handler) { port, _ in
            let c = try RawClient(port: port)
            c.send((0..<count).map { "GET /\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
            var order: [String] = []
            for _ in 0..<count { order.append(try c.readResponse().text) }
            #expect(order == (0..<count).map { "/\($0)" })
        }
    }

    @Test func responderWorksFromAnotherThreadMuchLater() throws {
        let handler = TestHandler(handleRequest: { request, responder in
            runOnThread(after: 0.3) { responder.respond(HTTPResponse(status: 202, body: request.body)) }
        })
        try withServer(handler: handler) { port, _ in
            let c = try RawClient(port: port)
            c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nlate")
            let r = try c.readResponse()
            #expect(r.status == 202)
            #expect(r.text == "late")
        }
    }

    @Test func gracefulShutdownFinishesInFlightRequestThenReturns() throws {
        let handler = TestHandler(handleRequest: { _, responder in
            runOnThread(after: 0.3) { responder.respond(HTTPResponse.text(200, "finished")) }
        })
        var c = HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoops: 2)
        c.idleTimeout = 30
        let server = HTTPServer(configuration: c, handler: handler, logger: .silent)
        let port = try server.start()
        let busy = try RawClient(port: port)
        let idle = try RawClient(port: port)
        busy.send("GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        usleep(50_000)
        let done = DoneFlag()
        let start = monotonicSeconds()
        runOnThread {
            server.shutdown(grace: 5)
            done.set()
        }
        // The idle connection is closed at once; the busy one gets its response, marked close.
        #expect(idle.isClosedByPeer())
        let r = try busy.readResponse()
        #expect(r.status == 200)
        #expect(r.text == "finished")
        #expect(r.headers["connection"] == "close")
        #expect(busy.isClosedByPeer())
        busy.shutdownWrite()
        while !done.isSet && monotonicSeconds() - start < 5 { usleep(10_000) }
        #expect(done.isSet)
        #expect(monotonicSeconds() - start < 3)
        #expect(server.openConnections == 0)
        #expect((try? RawClient(port: port)) == nil, "still accepting after shutdown")
    }

    @Test func shutdownClosesWhatRemainsAfterGrace() throws {
        // A handler that never answers: shutdown must still return, after the grace period.
        let handler = TestHandler(handleRequest: { _, _ in })
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoops: 1),
                                handler: handler, logger: .silent)
        let port = try server.start()
        let c = try RawClient(port: port)
        c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        usleep(50_000)
        let start = monotonicSeconds()
        server.shutdown(grace: 0.3)
        let elapsed = monotonicSeconds() - start
        #expect(elapsed >= 0.25 && elapsed < 2, "shutdown took \(elapsed)s")
        #expect(c.isClosedByPeer())
    }

    @Test func acceptsHeadLargerThanTheInitialReadBufferWithinHeaderLimit() throws {
        try withServer({ $0.headerLimit = 32 * 1024 }) { port, _ in
            let c = try RawClient(port: port)
            let big = String(repeating: "v", count: 20_000)
            c.send("POST /big HTTP/1.1\r\nHost: h\r\nX-Big: \(big)\r\nContent-Length: 2\r\n\r\nok")
            let r = try c.readResponse()
            #expect(r.status == 200)
            #expect(r.text == "ok")
            // The connection stays usable after the buffer grew.
            c.send("GET /after HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try c.readResponse().headers["x-path"] == "/after")
        }
    }

    @Test func servesManyConnectionsAcrossLoops() throws {
        try withServer({ $0.eventLoops = 2 }) { port, _ in
            let clients = try (0..<20).map { _ in try RawClient(port: port) }
            for (i, c) in clients.enumerated() { c.send("POST /\(i) HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi") }
            for (i, c) in clients.enumerated() {
                let r = try c.readResponse()
                #expect(r.headers["x-path"] == "/\(i)")
                #expect(r.text == "hi")
            }
        }
    }
}

final class DoneFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}
