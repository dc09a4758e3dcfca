// Each rejection against the real server: the right status, `Connection: close`, a short plain
// body, then the connection closes.

import Testing
import GatewayHTTP

@Suite struct HTTPServerRejectionTests {
    private func expectRejected(_ request: String, status: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send(request)
            let r = try c.readResponse()
            #expect(r.status == status, sourceLocation: sourceLocation)
            #expect(r.headers["connection"] == "close", sourceLocation: sourceLocation)
            #expect(r.headers["content-type"] == "text/plain; charset=utf-8", sourceLocation: sourceLocation)
            #expect(!r.body.isEmpty && r.body.count < 100, sourceLocation: sourceLocation)
            #expect(c.isClosedByPeer(), "connection stays open after \(status)", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedRequestLineGets400() throws {
        try expectRejected("GET /\r\nHost: h\r\n\r\n", status: 400)
    }

    @Test func malformedHeaderGets400() throws {
        try expectRejected("GET / HTTP/1.1\r\nHost : h\r\n\r\n", status: 400)
    }

    @Test func contentLengthWithTransferEncodingGets400() throws {
        try expectRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400)
    }

    @Test func conflictingContentLengthsGet400() throws {
        try expectRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef", status: 400)
    }

    @Test func percentEncodedNulInPathGets400() throws {
        try expectRejected("GET /a%00 HTTP/1.1\r\nHost: h\r\n\r\n", status: 400)
    }

    @Test func oversizedHeaderSectionGets431() throws {
        try withServer({ $0.headerLimit = 512 }) { port, _ in
            let c = try RawClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 1000) + "\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 431)
            #expect(r.headers["connection"] == "close")
            #expect(c.isClosedByPeer())
        }
    }

    @Test func tooManyHeadersGet431() throws {
        try withServer({ $0.maxHeaders = 4 }) { port, _ in
            let c = try RawClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n")
            #expect(try c.readResponse().status == 431)
            #expect(c.isClosedByPeer())
        }
    }

    @Test func contentLengthOverRouteLimitGets413BeforeBodyIsSent() throws {
        // Only the head is sent: the 413 must not wait for a body that never comes.
        try expectRejected("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 4096\r\n\r\n", status: 413)
    }

    @Test func chunkedBodyOverRouteLimitGets413() throws {
        let chunk = String(repeating: "x", count: 600)
        try expectRejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n", status: 413)
    }

    @Test func unsupportedTransferCodingGets501() throws {
        try expectRejected("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", status: 501)
    }

    @Test func unsupportedVersionGets505() throws {
        try expectRejected("GET / HTTP/2.0\r\nHost: h\r\n\r\n", status: 505)
    }

    @Test func unknownPathGets404FromPrepare() throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send("POST /missing HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
            let r = try c.readResponse()
            #expect(r.status == 404)
            #expect(r.headers["connection"] == "close")
            #expect(c.isClosedByPeer())
        }
    }

    @Test func wrongMethodGets405WithAllow() throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send("GET /post-only HTTP/1.1\r\nHost: h\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 405)
            #expect(r.headers["allow"] == "POST")
            #expect(r.headers["connection"] == "close")
        }
    }

    @Test func earlierPipelinedResponsesAreWrittenBeforeTheError() throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send("GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad%zz HTTP/1.1\r\nHost: h\r\n\r\n")
            let first = try c.readResponse()
            #expect(first.status == 200)
            #expect(first.headers["connection"] == nil)
            #expect(try c.readResponse().status == 400)
            #expect(c.isClosedByPeer())
        }
    }
}
