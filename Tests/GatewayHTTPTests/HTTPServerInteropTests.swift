// Real clients against the server: curl (HTTP/1.0, chunked upload, Expect: 100-continue) and
// Python's http.client (keep-alive reuse, pipelined requests). Skipped, with a message, only when
// the tool is not installed.

import Testing
import Foundation
import GatewayCore
import GatewayHTTP

@Suite struct HTTPServerInteropTests {
    private static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    private static let curl = which("curl")
    private static let python = which("python3")

    /// 1 MiB body limit; echoes the body and says how it was framed.
    private static let echoHandler = TestHandler(
        prepareHead: { _ in .accept(bodyLimit: 1 << 20) },
        handleRequest: { request, responder in
            let framing = request.header("transfer-encoding") ?? "length"
            responder.respond(HTTPResponse(status: 200, headers: HeaderFields([("x-framing", framing), ("x-version", request.version.description)]), body: request.body))
        })

    private func run(_ tool: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test(.enabled(if: curl != nil, "curl is not installed")) func curlHTTP10Request() throws {
        try withServer(handler: Self.echoHandler) { port, _ in
            let r = try run(Self.curl!, ["-sS", "--http1.0", "-D", "-", "--data-binary", "hello-1.0", "http://127.0.0.1:\(port)/echo"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("x-version: HTTP/1.0"))
            #expect(r.out.lowercased().contains("connection: close"))
            #expect(r.out.hasSuffix("hello-1.0"))
        }
    }

    @Test(.enabled(if: curl != nil, "curl is not installed")) func curlChunkedUpload() throws {
        let body = String(repeating: "0123456789abcdef", count: 4096)  // 64 KiB, several chunks
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gw-chunked-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try Data(body.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try withServer(handler: Self.echoHandler) { port, _ in
            let r = try run(Self.curl!, ["-sS", "-D", "-", "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(file.path)",
                                         "http://127.0.0.1:\(port)/upload"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("x-framing: chunked"))
            #expect(r.out.hasSuffix(body))
        }
    }

    @Test(.enabled(if: curl != nil, "curl is not installed")) func curlExpectContinue() throws {
        try withServer(handler: Self.echoHandler) { port, _ in
            let r = try run(Self.curl!, ["-sS", "-v", "-H", "Expect: 100-continue", "--expect100-timeout", "10",
                                         "--data-binary", "continued", "http://127.0.0.1:\(port)/upload"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.err.contains("HTTP/1.1 100 Continue"))
            #expect(r.out == "continued")
        }
    }

    @Test(.enabled(if: python != nil, "python3 is not installed")) func pythonHTTPClientKeepAliveAndPipelining() throws {
        let script = #"""
        import http.client, socket, sys
        port = int(sys.argv[1])
        # Keep-alive: three requests reuse one connection.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        socks = set()
        for i in range(3):
            conn.request("POST", "/keep/%d" % i, body=b"k%d" % i)
            socks.add(id(conn.sock))
            r = conn.getresponse()
            assert r.status == 200, r.status
            assert r.read() == b"k%d" % i
        assert len(socks) == 1, "connection was not reused"
        conn.close()
        # Pipelining: five requests in one write, five responses parsed in order by http.client.
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        reqs = b"".join(b"POST /p/%d HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\np%d" % (i, i) for i in range(5))
        s.sendall(reqs)
        f = s.makefile("rb")
        class Unclosable:  # HTTPResponse closes its file after the body; the next one needs it
            def __getattr__(self, name): return getattr(f, name)
            def close(self): pass
        class Shared:
            def makefile(self, *a, **k): return Unclosable()
        for i in range(5):
            r = http.client.HTTPResponse(Shared())
            r.begin()
            body = r.read()
            assert r.status == 200 and body == b"p%d" % i, (r.status, body)
        print("python-ok")
        """#
        try withServer(handler: Self.echoHandler) { port, _ in
            let r = try run(Self.python!, ["-c", script, String(port)])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("python-ok"))
        }
    }
}
