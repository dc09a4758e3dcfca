// Test support for the HTTP client tests (the file name keeps to the client's HTTPClient*Tests.swift
// share of this target): a blocking loopback TCP server that runs a script per accepted connection,
// so each test decides byte for byte what the "server" answers and when it closes.
// CLinux too: once a file of this target imports it (ClientNameResolverTests), the SOCK_*
// constants both modules' headers declare are found as CLinux's, invisible to a file without it.
import CLinux
import Foundation
import Glibc
import Synchronization

/// Listens on 127.0.0.1 (or ::1) port 0; every accepted connection runs `script(peer, index)` on its
/// own thread, index counting accepts from 0.
final class ClientTestServer: Sendable {
    let port: Int
    private let listenFD: Int32
    private let acceptCount = Mutex(0)
    private let finishedCount = Mutex(0)

    init(ipv6: Bool = false, backlog: Int32 = 16, acceptConnections: Bool = true,
         _ script: @escaping @Sendable (ClientTestPeer, Int) -> Void = { _, _ in }) throws {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientTestServerError.socket(errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var rc: Int32
        if ipv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_addr = in6addr_loopback
            rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard rc == 0, listen(fd, backlog) == 0 else { let e = errno; close(fd); throw ClientTestServerError.socket(e) }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let rawPort = withUnsafePointer(to: &storage) { p -> UInt16 in
            ipv6 ? p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
                 : p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
        }
        port = Int(UInt16(bigEndian: rawPort))
        listenFD = fd
        guard acceptConnections else { return }
        let server = self
        Thread.detachNewThread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    return  // listening socket shut down by stop()
                }
                let index = server.acceptCount.withLock { n in defer { n += 1 }; return n }
                Thread.detachNewThread {
                    let peer = ClientTestPeer(fd: client)
                    script(peer, index)
                    peer.close()
                    server.finishedCount.withLock { $0 += 1 }
                }
            }
        }
    }

    var accepts: Int { acceptCount.withLock { $0 } }

    /// Waits (bounded) until `count` connection scripts have returned and closed their sockets.
    func waitForFinishedConnections(_ count: Int, timeout: Double = 5) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if finishedCount.withLock({ $0 }) >= count { return true }
            usleep(2_000)
        }
        return false
    }

    func url(_ path: String = "/", scheme: String = "http", host: String = "127.0.0.1") -> String {
        "\(scheme)://\(host):\(port)\(path)"
    }

    func stop() {
        shutdown(listenFD, Int32(SHUT_RDWR))
        close(listenFD)
    }
}

enum ClientTestServerError: Error { case socket(Int32) }

/// What the test server received: the request head as text and the body bytes.
struct ClientTestRequest: Sendable {
    var head: String
    var body: [UInt8]

    var requestLine: String { head.components(separatedBy: "\r\n").first ?? "" }

    /// The value of header `name` (case-insensitive), if present.
    func header(_ name: String) -> String? {
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// One accepted connection, used only by its script's thread (hence unchecked Sendable).
final class ClientTestPeer: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var closed = false

    init(fd: Int32) {
        self.fd = fd
        var tv = timeval(tv_sec: 5, tv_usec: 0)  // a broken test must not hang forever
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads one request (head plus a Content-Length body); nil when the client closed first.
    func readRequest() -> ClientTestRequest? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if buffer.count >= 4 {
                for i in 0...(buffer.count - 4) where Array(buffer[i..<(i + 4)]) == terminator { headEnd = i + 4; break }
            }
            if headEnd == nil && !fill() { return nil }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var request = ClientTestRequest(head: head, body: [])
        let length = Int(request.header("content-length") ?? "0") ?? 0
        while buffer.count - headEnd! < length { if !fill() { return nil } }
        request.body = Array(buffer[headEnd!..<(headEnd! + length)])
        buffer.removeFirst(headEnd! + length)
        return request
    }

    /// True once the client has closed its end (read returns EOF), waiting at most the receive timeout.
    func waitForClientClose() -> Bool {
        while true {
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, 0)
            if n == 0 { return true }
            if n < 0 { return false }
        }
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[..<n])
        return true
    }
}
