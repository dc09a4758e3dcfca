// A blocking loopback TLS server for client tests, built on OpenSSLServerContext: each accepted
// connection is served on its own thread, answering every request with a fixed response so
// keep-alive reuse and handshake failures can be observed from the client side.
import Foundation
import GatewayHTTP
import GatewayTLS
import Glibc
import Synchronization

final class TLSTestServer: Sendable {
    let port: Int
    private let listenFD: Int32
    private let acceptCount = Mutex(0)
    private let handshakeFailures = Mutex<[String]>([])

    init(context: OpenSSLServerContext, response: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw TLSTestSetupError("cannot listen: errno \(errno)") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        let server = self
        Thread.detachNewThread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { if errno == EINTR { continue }; return }
                server.acceptCount.withLock { $0 += 1 }
                Thread.detachNewThread { server.serve(client, context: context, response: response) }
            }
        }
    }

    var accepts: Int { acceptCount.withLock { $0 } }
    var failures: [String] { handshakeFailures.withLock { $0 } }

    func stop() {
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }

    private func serve(_ fd: Int32, context: OpenSSLServerContext, response: String) {
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard let tls = try? context.accept(fd: fd) else { return }
        defer { tls.shutdown() }
        // Blocking socket: the handshake either completes or fails, never wants more.
        if case .failed(let why) = tls.handshake() {
            handshakeFailures.withLock { $0.append(why) }
            return
        }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let terminator: [UInt8] = [13, 10, 13, 10]
            while !(pending.count >= 4 && (0...(pending.count - 4)).contains { Array(pending[$0..<($0 + 4)]) == terminator }) {
                guard case .done(let n) = chunk.withUnsafeMutableBytes({ tls.read(into: $0) }), n > 0 else { return }
                pending.append(contentsOf: chunk[..<n])
            }
            let closeAfter = String(decoding: pending, as: UTF8.self).lowercased().contains("connection: close")
            pending.removeAll()  // tests send bodiless requests
            let bytes = Array(response.utf8)
            var offset = 0
            while offset < bytes.count {
                guard case .done(let n) = bytes[offset...].withUnsafeBytes({ tls.write($0) }) else { return }
                offset += n
            }
            if closeAfter { return }
        }
    }
}
