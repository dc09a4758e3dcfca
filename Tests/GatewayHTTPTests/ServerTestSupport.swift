// Support for tests against the real server on port 0: a configurable handler and a raw blocking
// socket client that reads responses byte-exactly, so tests see exactly what went on the wire.

import GatewayCore
import GatewayHTTP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

struct TestHandler: HTTPHandler {
    var prepareHead: @Sendable (HTTPRequestHead) -> HeadVerdict = TestHandler.defaultPrepare
    var handleRequest: @Sendable (HTTPRequest, HTTPResponder) -> Void = TestHandler.echo
    var roundEnded: @Sendable () -> Void = {}
    var willWait: @Sendable () -> Void = {}
    var wantsWillWait = true

    func prepare(_ head: HTTPRequestHead) -> HeadVerdict { prepareHead(head) }
    func handle(_ request: HTTPRequest, responder: HTTPResponder) { handleRequest(request, responder) }
    func eventLoopDidProcessEvents() { roundEnded() }
    func eventLoopWillWait() { willWait() }
    var wantsEventLoopWillWait: Bool { wantsWillWait }

    /// `/missing` → 404, `/post-only` without POST → 405, otherwise a 1 KiB body limit.
    static let defaultPrepare: @Sendable (HTTPRequestHead) -> HeadVerdict = { head in
        if head.path == "/missing" { return .reject(.notFound()) }
        if head.path == "/post-only" && head.method != "POST" { return .reject(.methodNotAllowed(allow: ["POST"])) }
        return .accept(bodyLimit: 1024)
    }

    /// 200 with the request's path in `x-path` and its body echoed.
    static let echo: @Sendable (HTTPRequest, HTTPResponder) -> Void = { request, responder in
        responder.respond(HTTPResponse(status: 200, headers: HeaderFields([("x-path", request.path)]), body: request.body))
    }
}

/// Starts a server on 127.0.0.1:0, runs `body` with its port, and always shuts it down.
func withServer<T>(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }, handler: TestHandler = TestHandler(),
                   _ body: (Int, HTTPServer) throws -> T) throws -> T {
    var c = HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoops: 1, headerTimeout: 5, bodyTimeout: 5, idleTimeout: 5)
    configure(&c)
    let server = HTTPServer(configuration: c, handler: handler, logger: .silent)
    let port = try server.start()
    defer { server.shutdown(grace: 0.5) }
    return try body(port, server)
}

struct RawResponse {
    var status: Int
    var headers: HeaderFields
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum RawClientError: Error { case connect(Int32), closed, timeout, malformed(String) }

/// A blocking TCP client with a receive timeout.
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeout: Double = 3) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw RawClientError.connect(e)
        }
        setTimeout(timeout)
    }

    deinit { close(fd) }

    func setTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ s: String) { send(Array(s.utf8)) }

    /// Sends FIN: the server sees EOF.
    func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads more bytes into the buffer; false on EOF/reset, throws on timeout.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw RawClientError.timeout }
        return false
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<i]
                buffer.removeFirst(i + 1)
                return String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            }
            guard try fill() else { throw RawClientError.closed }
        }
    }

    /// Reads one response (Content-Length framed, or none for HEAD / 1xx / 204 / 304).
    func readResponse(headRequest: Bool = false) throws -> RawResponse {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else { throw RawClientError.malformed(statusLine) }
        var headers = HeaderFields()
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw RawClientError.malformed(line) }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingPrefix(" ").description)
        }
        var body: [UInt8] = []
        if !headRequest, let n = headers["content-length"].flatMap({ Int($0) }) {
            while buffer.count < n { guard try fill() else { throw RawClientError.closed } }
            body = Array(buffer[0..<n])
            buffer.removeFirst(n)
        }
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// True if the server closed the connection (EOF or reset) before `timeout`, with nothing else sent.
    /// Sends `count` keep-alive `GET path` requests one at a time, each after the previous answer
    /// and a `pause`, and returns their statuses (a connection kept open across pauses).
    func statuses(ofRequests count: Int, path: String = "/", pause: Double) throws -> [Int] {
        var statuses: [Int] = []
        for _ in 0..<count {
            send("GET \(path) HTTP/1.1\r\nHost: h\r\n\r\n")
            statuses.append(try readResponse().status)
            usleep(UInt32(pause * 1_000_000))
        }
        return statuses
    }

    func isClosedByPeer() -> Bool {
        do {
            while try fill() {}
            return buffer.isEmpty
        } catch {
            return false
        }
    }

    /// Whatever arrives until EOF (or timeout).
    func readToEnd() -> [UInt8] {
        while (try? fill()) == true {}
        defer { buffer.removeAll() }
        return buffer
    }
}

/// Seconds since an arbitrary point, for timing assertions.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Runs `body` on a new detached thread (handlers that answer later, from elsewhere).
func runOnThread(after delay: Double = 0, _ body: @escaping @Sendable () -> Void) {
    let box = Unmanaged.passRetained(ThreadBody {
        if delay > 0 { usleep(useconds_t(delay * 1e6)) }
        body()
    }).toOpaque()
    var t = pthread_t()
    pthread_create(&t, nil, { arg in
        Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue().run()
        return nil
    }, box)
    pthread_detach(t)
}

final class ThreadBody: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
