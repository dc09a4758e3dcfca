// HTTPClient against a scripted loopback server: framing, keep-alive reuse, stale pooled
// connections, timeouts, limits, and the rule that a request that may have arrived is never replayed.
// CLinux too: once a file of this target imports it (ClientNameResolverTests), the SOCK_*
// constants both modules' headers declare are found as CLinux's, invisible to a file without it.
import CLinux
import Foundation
import GatewayCore
@testable import GatewayHTTP
import Glibc
import Synchronization
import Testing

@Suite struct HTTPClientTests {
    private func request(_ server: ClientTestServer, method: String = "GET", path: String = "/",
                         headers: HeaderFields = HeaderFields(), body: String = "") -> HTTPClientRequest {
        HTTPClientRequest(method: method, url: HTTPURL(server.url(path))!, headers: headers, body: Array(body.utf8))
    }

    @Test func readsContentLengthBodyAndSendsDefaultHeaders() throws {
        let received = ReceivedRequests()
        let server = try ClientTestServer { peer, _ in
            guard let req = peer.readRequest() else { return }
            received.append(req)
            peer.write("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Thing: a\r\n\r\nhello")
        }
        defer { server.stop() }
        let client = HTTPClient()
        let response = try client.send(request(server, method: "POST", path: "/hook?x=1",
                                               headers: HeaderFields([("Content-Type", "application/json")]), body: "{\"a\":1}"))
        #expect(response.status == 201)
        #expect(response.body == Array("hello".utf8))
        #expect(response.headers["x-thing"] == "a")
        let req = try #require(received.all.first)
        #expect(req.requestLine == "POST /hook?x=1 HTTP/1.1")
        #expect(req.header("host") == "127.0.0.1:\(server.port)")
        #expect(req.header("user-agent") == HTTPClient.defaultUserAgent)
        #expect(req.header("content-length") == "7")
        #expect(req.header("content-type") == "application/json")
        #expect(req.body == Array("{\"a\":1}".utf8))
    }

    @Test func readsChunkedBodyWithExtensionsAndTrailers() throws {
        let server = try ClientTestServer { peer, _ in
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n")
        }
        defer { server.stop() }
        let response = try HTTPClient().send(request(server))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "Wikipedia in\r\n\r\nchunks.")
    }

    @Test func readsCloseDelimitedBodyAndDoesNotPoolTheConnection() throws {
        let server = try ClientTestServer { peer, _ in
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 200 OK\r\n\r\nuntil the end")
        }
        defer { server.stop() }
        let client = HTTPClient()
        let response = try client.send(request(server))
        #expect(String(decoding: response.body, as: UTF8.self) == "until the end")
        #expect(client.idleConnectionCount == 0)
    }

    @Test func reusesAKeepAliveConnectionForSequentialRequests() throws {
        let server = try ClientTestServer { peer, _ in
            while let req = peer.readRequest() {
                peer.write("HTTP/1.1 200 OK\r\nContent-Length: \(req.requestLine.utf8.count)\r\n\r\n\(req.requestLine)")
            }
        }
        defer { server.stop() }
        let client = HTTPClient()
        for i in 0..<5 {
            let response = try client.send(request(server, path: "/n\(i)"))
            #expect(String(decoding: response.body, as: UTF8.self) == "GET /n\(i) HTTP/1.1")
        }
        #expect(server.accepts == 1)
        #expect(client.idleConnectionCount == 1)
    }

    @Test func honoursConnectionCloseFromTheServer() throws {
        let server = try ClientTestServer { peer, _ in
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
            _ = peer.waitForClientClose()
        }
        defer { server.stop() }
        let client = HTTPClient()
        _ = try client.send(request(server))
        _ = try client.send(request(server))
        #expect(server.accepts == 2)
        #expect(client.idleConnectionCount == 0)
    }

    @Test func replacesAPooledConnectionTheServerClosedWhileIdle() throws {
        let server = try ClientTestServer { peer, _ in
            guard peer.readRequest() != nil else { return }
            // Keep-alive response, then the server drops the idle connection (its idle timeout).
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst")
        }
        defer { server.stop() }
        let client = HTTPClient()
        #expect(try client.send(request(server)).body == Array("first".utf8))
        #expect(client.idleConnectionCount == 1)
        #expect(server.waitForFinishedConnections(1))
        let second = try client.send(request(server, method: "POST", body: "payload"))
        #expect(second.body == Array("first".utf8))
        #expect(server.accepts == 2)
    }

    @Test func doesNotReplayARequestTheServerMayHaveReceived() throws {
        let server = try ClientTestServer { peer, _ in
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            _ = peer.readRequest()  // the second request arrives on the pooled connection; vanish without answering
        }
        defer { server.stop() }
        let client = HTTPClient()
        _ = try client.send(request(server))
        #expect {
            _ = try client.send(request(server, method: "POST", body: "once"))
        } throws: { error in
            guard case HTTPClientError.closed = error else { return false }
            return true
        }
        #expect(server.waitForFinishedConnections(1))
        #expect(server.accepts == 1)
    }

    @Test func retriesOnAFreshConnectionWhenNotOneByteReachedTheDeadPooledOne() throws {
        let received = ReceivedRequests()
        let server = try ClientTestServer { peer, index in
            guard let req = peer.readRequest() else { return }
            received.append(req)
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n\(index)")
            if index == 0 { usleep(1_000_000) }  // keep the first connection open meanwhile
        }
        defer { server.stop() }
        let client = HTTPClient()
        #expect(try client.send(request(server)).body == Array("0".utf8))
        // Break the pooled connection so that it still looks idle and alive but refuses any write
        // (EPIPE before a byte leaves): the one case where resending cannot duplicate a request.
        let pooled = try #require(client.pool.idleConnections.first)
        #expect(shutdown(pooled.fd, Int32(SHUT_WR)) == 0)
        let response = try client.send(request(server, method: "POST", body: "exactly once"))
        #expect(response.body == Array("1".utf8))
        #expect(server.accepts == 2)
        #expect(received.all.filter { $0.body == Array("exactly once".utf8) }.count == 1)
    }

    @Test func failsWithResponseTimeoutWhenTheServerNeverAnswers() throws {
        let server = try ClientTestServer { peer, _ in
            _ = peer.readRequest()
            _ = peer.waitForClientClose()
        }
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(responseTimeout: 0.2))
        let start = Date()
        #expect(throws: HTTPClientError.timeout(.response)) { try client.send(request(server)) }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.15 && elapsed < 2)
    }

    @Test func failsWithConnectErrorWhenNothingListens() throws {
        // Bind a port, then free it: nothing listens there now.
        let server = try ClientTestServer(acceptConnections: false)
        let url = HTTPURL(server.url())!
        server.stop()
        #expect {
            _ = try HTTPClient().send(HTTPClientRequest(url: url))
        } throws: { error in
            guard case HTTPClientError.connect(let why) = error else { return false }
            return why.contains("refused")
        }
    }

    @Test func failsWithConnectTimeoutWhenTheListenQueueIsFull() throws {
        // A listener that never accepts, with its accept queue filled: Linux drops further SYNs,
        // so the next connect hangs until the client's connect timeout.
        let server = try ClientTestServer(backlog: 0, acceptConnections: false)
        defer { server.stop() }
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<4 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(server.port).bigEndian
            addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            fillers.append(fd)
        }
        usleep(50_000)
        let client = HTTPClient(configuration: .init(connectTimeout: 0.3))
        let start = Date()
        #expect(throws: HTTPClientError.timeout(.connect)) { try client.send(HTTPClientRequest(url: HTTPURL(server.url())!)) }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func rejectsBodiesOverTheLimitWhateverTheFraming() throws {
        let responses = [
            "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello world",
        ]
        let server = try ClientTestServer { peer, index in
            guard peer.readRequest() != nil else { return }
            peer.write(responses[index % responses.count])
        }
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maxResponseBody: 10))
        for _ in responses {
            #expect(throws: HTTPClientError.responseTooLarge(limit: 10)) { try client.send(request(server)) }
        }
        // Exactly at the limit is fine.
        let exact = HTTPClient(configuration: .init(maxResponseBody: 11))
        #expect(try exact.send(request(server)).body.count == 11)
    }

    @Test func returnsRedirectsWithoutFollowingThem() throws {
        let server = try ClientTestServer { peer, _ in
            while peer.readRequest() != nil {
                peer.write("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n")
            }
        }
        defer { server.stop() }
        let response = try HTTPClient().send(request(server))
        #expect(response.status == 302)
        #expect(response.headers["location"] == "/elsewhere")
        #expect(server.accepts == 1)
    }

    @Test func reportsAMalformedStatusLineAsAProtocolError() throws {
        let server = try ClientTestServer { peer, _ in
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")
        }
        defer { server.stop() }
        #expect {
            _ = try HTTPClient().send(request(server))
        } throws: { error in
            guard case HTTPClientError.protocolError = error else { return false }
            return true
        }
    }

    @Test func readsNoBodyForHeadAnd204And304AndSkipsInterimResponses() throws {
        let server = try ClientTestServer { peer, _ in
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")  // HEAD: no body follows
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 204 No Content\r\nContent-Length: 100\r\n\r\n")
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 304 Not Modified\r\n\r\n")
            guard peer.readRequest() != nil else { return }
            peer.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend")
        }
        defer { server.stop() }
        let client = HTTPClient()
        let head = try client.send(request(server, method: "HEAD"))
        #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == "100")
        let noContent = try client.send(request(server))
        #expect(noContent.status == 204 && noContent.body.isEmpty)
        let notModified = try client.send(request(server))
        #expect(notModified.status == 304 && notModified.body.isEmpty)
        let final = try client.send(request(server, method: "POST", body: "x"))
        #expect(final.status == 200 && final.body == Array("end".utf8))
        #expect(server.accepts == 1)
    }

    @Test func refusesHeaderValuesThatCouldSplitTheRequest() throws {
        let url = HTTPURL("http://127.0.0.1:9/")!
        let bad = HTTPClientRequest(url: url, headers: HeaderFields([("X-Evil", "a\r\nGET /smuggled HTTP/1.1")]))
        #expect {
            _ = try HTTPClient().send(bad)
        } throws: { error in
            guard case HTTPClientError.invalidRequest(let why) = error else { return false }
            return why.contains("x-evil") && !why.contains("smuggled")
        }
        #expect(throws: HTTPClientError.self) { try HTTPClient().send(HTTPClientRequest(method: "GET /x", url: url)) }
    }

    @Test func refusesHTTPSWithoutATLSContext() throws {
        #expect {
            _ = try HTTPClient().send(HTTPClientRequest(url: HTTPURL("https://127.0.0.1:9/")!))
        } throws: { error in
            guard case HTTPClientError.invalidRequest(let why) = error else { return false }
            return why.contains("TLS")
        }
    }

    @Test func failsAfterCloseAndClosesIdleConnections() throws {
        let server = try ClientTestServer { peer, _ in
            while peer.readRequest() != nil { peer.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") }
        }
        defer { server.stop() }
        let client = HTTPClient()
        _ = try client.send(request(server))
        #expect(client.idleConnectionCount == 1)
        client.close()
        #expect(client.idleConnectionCount == 0)
        #expect(throws: HTTPClientError.clientClosed) { try client.send(request(server)) }
        #expect(server.waitForFinishedConnections(1))
    }

    @Test func connectsOverIPv6() throws {
        let server: ClientTestServer
        do {
            server = try ClientTestServer(ipv6: true) { peer, _ in
                guard let req = peer.readRequest() else { return }
                peer.write("HTTP/1.1 200 OK\r\nContent-Length: \(req.header("host")!.utf8.count)\r\n\r\n\(req.header("host")!)")
            }
        } catch {
            // No IPv6 loopback on this machine: nothing to test here.
            return
        }
        defer { server.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(url: HTTPURL(server.url(host: "[::1]"))!))
        #expect(String(decoding: response.body, as: UTF8.self) == "[::1]:\(server.port)")
    }

    @Test func servesConcurrentSendersFromSeveralThreads() throws {
        let server = try ClientTestServer { peer, _ in
            while let req = peer.readRequest() {
                peer.write("HTTP/1.1 200 OK\r\nContent-Length: \(req.body.count)\r\n\r\n")
                peer.write(req.body)
            }
        }
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(maxIdlePerOrigin: 4))
        let failures = ReceivedRequests()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<10 {
                let body = "w\(worker)-\(i)"
                do {
                    let response = try client.send(HTTPClientRequest(method: "POST", url: HTTPURL(server.url())!, body: Array(body.utf8)))
                    if response.body != Array(body.utf8) { failures.append(ClientTestRequest(head: "mismatch", body: [])) }
                } catch {
                    failures.append(ClientTestRequest(head: "\(error)", body: []))
                }
            }
        }
        #expect(failures.all.isEmpty)
        #expect(server.accepts <= 8)
        #expect(client.idleConnectionCount <= 4)
    }
}

/// Collects values from server threads for the test thread to inspect.
final class ReceivedRequests: Sendable {
    private let storage = Mutex<[ClientTestRequest]>([])
    func append(_ r: ClientTestRequest) { storage.withLock { $0.append(r) } }
    var all: [ClientTestRequest] { storage.withLock { $0 } }
}
