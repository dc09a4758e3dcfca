// The server's use of the TLS seam, with a stand-in session instead of OpenSSL (GatewayTLSTests
// runs real TLS with curl): a handshake that must wait for the client (wantRead), reads and writes
// that move only a few bytes per call, and an encoding so bytes that skip the session show up.

import Testing
import GatewayCore
import GatewayHTTP
#if canImport(Glibc)
import Glibc
#endif

/// Handshake: the client sends "HELLO\n", the server answers "OK\n". After that every byte is
/// XORed with 0x5A both ways; reads return at most 5 bytes and writes take at most 7.
final class XorTLSConnection: TLSConnection {
    let fd: Int32
    private var hello: [UInt8] = []
    private var greeted = false

    init(fd: Int32) { self.fd = fd }

    func handshake() -> TLSIOResult {
        while hello.count < 6 {
            var b: UInt8 = 0
            let n = recv(fd, &b, 1, 0)
            if n == 0 { return .closed }
            if n < 0 { return errno == EAGAIN ? .wantRead : .failed("recv") }
            hello.append(b)
        }
        guard hello == Array("HELLO\n".utf8) else { return .failed("bad hello") }
        if !greeted {
            greeted = true
            _ = send(fd, "OK\n", 3, Int32(MSG_NOSIGNAL))
        }
        return .done(0)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSIOResult {
        let n = recv(fd, buffer.baseAddress, min(5, buffer.count), 0)
        if n == 0 { return .closed }
        if n < 0 { return errno == EAGAIN ? .wantRead : .failed("recv") }
        for i in 0..<n { buffer[i] ^= 0x5A }
        return .done(n)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TLSIOResult {
        let chunk = bytes.prefix(7).map { $0 ^ 0x5A }
        let n = chunk.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n < 0 { return errno == EAGAIN ? .wantWrite : .failed("send") }
        return .done(n)
    }

    func shutdown() {}
}

struct XorTLSContext: TLSServerContext {
    func accept(fd: Int32) throws -> any TLSConnection { XorTLSConnection(fd: fd) }
}

@Suite struct HTTPServerTLSSeamTests {
    private func xor(_ s: String) -> [UInt8] { s.utf8.map { $0 ^ 0x5A } }

    @Test func servesRequestsThroughTheTLSSeamWithPartialReadsAndWrites() throws {
        try withServer({ $0.tls = XorTLSContext() }) { port, _ in
            let c = try RawClient(port: port)
            usleep(50_000)  // the server sees the connection before the hello: handshake waits (wantRead)
            c.send("HEL")
            usleep(50_000)
            c.send("LO\n")
            var got: [UInt8] = []
            while got.count < 3 {
                var b: UInt8 = 0
                guard recv(c.fd, &b, 1, 0) == 1 else { break }
                got.append(b)
            }
            #expect(got == Array("OK\n".utf8))
            let request = "POST /tls HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\nthrough-seam"
            c.send(xor(request + request))
            var raw: [UInt8] = []
            let expectedPrefix = "HTTP/1.1 200 OK\r\n"
            // Two pipelined responses, each with the 12-byte echoed body, arrive XORed.
            while String(decoding: raw.map { $0 ^ 0x5A }, as: UTF8.self).components(separatedBy: "through-seam").count < 3 {
                var buf = [UInt8](repeating: 0, count: 4096)
                let n = recv(c.fd, &buf, buf.count, 0)
                guard n > 0 else { break }
                raw.append(contentsOf: buf[0..<n])
            }
            let text = String(decoding: raw.map { $0 ^ 0x5A }, as: UTF8.self)
            #expect(text.hasPrefix(expectedPrefix))
            #expect(text.components(separatedBy: "x-path: /tls").count == 3)
            #expect(text.hasSuffix("through-seam"))
        }
    }

    @Test func closesConnectionWhenHandshakeFails() throws {
        try withServer({ $0.tls = XorTLSContext() }) { port, server in
            let c = try RawClient(port: port)
            c.send("GOODBYE\n")
            #expect(c.isClosedByPeer())
            usleep(50_000)
            #expect(server.openConnections == 0)
        }
    }

    @Test func handshakeCountsAgainstHeaderTimeout() throws {
        try withServer({ $0.tls = XorTLSContext(); $0.headerTimeout = 0.3 }) { port, _ in
            let c = try RawClient(port: port)
            let start = monotonicSeconds()
            c.send("HEL")
            #expect(c.isClosedByPeer())
            #expect(monotonicSeconds() - start < 2)
        }
    }
}
