// The client's response reader fed canned bytes, whole, one byte per read and in random splits:
// framing per RFC 9112 §6.3, keep-alive decisions, limits and malformed input.
@testable import GatewayHTTP
import Testing

/// Hands out canned bytes in reads of the given sizes (cycled), then EOF.
struct CannedBytes: ClientByteSource {
    var bytes: [UInt8]
    var sizes: [Int]
    var offset = 0
    var turn = 0

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPClientError) -> Int {
        guard offset < bytes.count else { return 0 }
        let n = min(sizes[turn % sizes.count], buffer.count, bytes.count - offset)
        turn += 1
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

@Suite struct HTTPClientResponseReaderTests {
    /// Every way of splitting the input must give the same result.
    private func readAllWays(_ text: String, method: String = "GET", maxBody: Int = 1 << 20)
        -> [Result<(status: Int, body: String, keepAlive: Bool), HTTPClientError>]
    {
        var splits: [[Int]] = [[1 << 20], [1], [2], [3], [7]]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<8 { splits.append((0..<5).map { _ in Int.random(in: 1...13, using: &rng) }) }
        return splits.map { sizes in
            var reader = ClientResponseReader(source: CannedBytes(bytes: Array(text.utf8), sizes: sizes), maxBody: maxBody)
            do throws(HTTPClientError) {
                let (response, keepAlive) = try reader.readResponse(requestMethod: method)
                return .success((response.status, String(decoding: response.body, as: UTF8.self), keepAlive))
            } catch {
                return .failure(error)
            }
        }
    }

    private func expectAllEqual(_ text: String, method: String = "GET", maxBody: Int = 1 << 20,
                                status: Int, body: String, keepAlive: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        for result in readAllWays(text, method: method, maxBody: maxBody) {
            switch result {
            case .success(let r):
                #expect(r.status == status && r.body == body && r.keepAlive == keepAlive, "\(r)", sourceLocation: sourceLocation)
            case .failure(let e):
                Issue.record("unexpected \(e)", sourceLocation: sourceLocation)
            }
        }
    }

    private func expectAllFail(_ text: String, maxBody: Int = 1 << 20, sourceLocation: SourceLocation = #_sourceLocation,
                               _ matches: (HTTPClientError) -> Bool) {
        for result in readAllWays(text, maxBody: maxBody) {
            switch result {
            case .success(let r): Issue.record("expected an error, got \(r)", sourceLocation: sourceLocation)
            case .failure(let e): #expect(matches(e), "\(e)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func readsContentLengthBodiesInAnySplit() {
        expectAllEqual("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", status: 200, body: "hello world", keepAlive: true)
    }

    @Test func readsChunkedBodiesInAnySplit() {
        expectAllEqual("HTTP/1.1 202 Accepted\r\ntransfer-encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n1a; name=\"v\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nT: 1\r\n\r\n",
                       status: 202, body: "abcabcdefghijklmnopqrstuvwxyz", keepAlive: true)
    }

    @Test func acceptsBareLineFeedsAndObsoleteLineFolding() throws {
        let text = "HTTP/1.1 200 OK\nX-A: one\n  two\nContent-Length: 2\n\nok"
        expectAllEqual(text, status: 200, body: "ok", keepAlive: true)
        var reader = ClientResponseReader(source: CannedBytes(bytes: Array(text.utf8), sizes: [1]), maxBody: 10)
        #expect(try reader.readResponse(requestMethod: "GET").response.headers["x-a"] == "one two")
    }

    @Test func readsUntilCloseWhenNoLengthIsGivenAndThenDoesNotKeepAlive() {
        expectAllEqual("HTTP/1.1 200 OK\r\n\r\nrest of stream", status: 200, body: "rest of stream", keepAlive: false)
        // Transfer-Encoding without a final chunked also runs to the end of the connection.
        expectAllEqual("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", status: 200, body: "zz", keepAlive: false)
    }

    @Test func decidesKeepAliveFromVersionAndConnectionHeader() {
        expectAllEqual("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n", status: 200, body: "", keepAlive: false)
        expectAllEqual("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", status: 200, body: "", keepAlive: false)
        expectAllEqual("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", status: 200, body: "", keepAlive: true)
        // Both framings at once: chunked wins, and the connection is not trusted afterwards.
        expectAllEqual("HTTP/1.1 200 OK\r\nContent-Length: 50\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", status: 200, body: "hi", keepAlive: false)
    }

    @Test func doesNotKeepAliveWhenBytesArrivedAfterTheResponse() throws {
        // Only visible when they came in the same read; later ones are caught by the pool's liveness probe.
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA"
        var reader = ClientResponseReader(source: CannedBytes(bytes: Array(text.utf8), sizes: [1 << 20]), maxBody: 10)
        let (response, keepAlive) = try reader.readResponse(requestMethod: "GET")
        #expect(response.body == Array("hi".utf8))
        #expect(!keepAlive)
    }

    @Test func acceptsRepeatedIdenticalContentLengthsButNotConflictingOnes() {
        expectAllEqual("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok", status: 200, body: "ok", keepAlive: true)
        expectAllFail("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk") {
            if case .protocolError(let why) = $0 { return why.contains("conflicting") }
            return false
        }
        expectAllFail("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") {
            if case .protocolError = $0 { return true }
            return false
        }
    }

    @Test func skipsInterimResponsesAndReadsNoBodyWhereNoneIsAllowed() {
        expectAllEqual("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", status: 204, body: "", keepAlive: true)
        expectAllEqual("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", method: "HEAD", status: 200, body: "", keepAlive: true)
        expectAllFail("HTTP/1.1 101 Switching Protocols\r\n\r\n") {
            if case .protocolError(let why) = $0 { return why.contains("101") }
            return false
        }
    }

    @Test func rejectsMalformedStatusLinesAndHeaders() {
        let bad = [
            "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n", "ICY 200 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX\r\n0\r\n\r\n",
        ]
        for text in bad {
            expectAllFail(text) {
                if case .protocolError = $0 { return true }
                return false
            }
        }
    }

    @Test func enforcesTheBodyLimitForEveryFraming() {
        let limit = 8
        for text in [
            "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n123456789",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n4\r\n6789\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\n\r\n123456789",
        ] {
            expectAllFail(text, maxBody: limit) { $0 == .responseTooLarge(limit: limit) }
        }
        expectAllEqual("HTTP/1.1 200 OK\r\n\r\n12345678", maxBody: limit, status: 200, body: "12345678", keepAlive: false)
    }

    @Test func enforcesTheHeadLimit() {
        let text = "HTTP/1.1 200 OK\r\nX-Big: \(String(repeating: "a", count: 200))\r\n\r\n"
        var reader = ClientResponseReader(source: CannedBytes(bytes: Array(text.utf8), sizes: [7]), maxHeadBytes: 100, maxBody: 10)
        #expect(throws: HTTPClientError.protocolError("header section too long")) { try reader.readResponse(requestMethod: "GET") }
    }

    @Test func reportsTruncatedResponsesAsClosedConnections() {
        for text in ["", "HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"] {
            expectAllFail(text) {
                if case .closed = $0 { return true }
                return false
            }
        }
    }
}
