// Starting the server: the port it reports, and refusing a port that is already taken even though
// the loops' listeners use SO_REUSEPORT among themselves.

import Foundation
import GatewayHTTP
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct HTTPServerStartTests {
    @Test func refusesToStartOnAPortAnotherServerListensOn() throws {
        try withServer({ $0.eventLoops = 2 }) { port, _ in
            let second = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port, eventLoops: 1),
                                    handler: TestHandler(), logger: .silent)
            #expect(throws: HTTPServerError.self) { _ = try second.start() }
            // The first server still answers.
            let c = try RawClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try c.readResponse().status == 200)
        }
    }

    @Test func startsOnTheRequestedFixedPortWithSeveralLoops() throws {
        // Find a free port by binding to 0 once, then ask for it explicitly.
        let port = try withServer { port, _ in port }
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port, eventLoops: 2),
                                handler: TestHandler(), logger: .silent)
        #expect(try server.start() == port)
        defer { server.shutdown(grace: 0.2) }
        let c = try RawClient(port: port)
        c.send("GET /fixed HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try c.readResponse().headers["x-path"] == "/fixed")
    }
}

/// Accepted sockets are non-blocking and closed on exec: a child process the gateway (or a test)
/// starts must not hold client connections open. Found through /proc: the server side of the
/// connection is the established TCP socket whose local port is the server's.
@Suite struct AcceptedSocketFlagsTests {
    /// Read to the end: /proc files report size 0, and a read sized by it stops after one page.
    static func procFile(_ path: String) throws -> String {
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
    }

    /// The descriptor flags (octal in /proc/self/fdinfo) of this process's socket with `inode`.
    static func flags(ofSocketInode inode: String) throws -> Int? {
        for fd in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd),
                  target == "socket:[\(inode)]" else { continue }
            let info = try AcceptedSocketFlagsTests.procFile("/proc/self/fdinfo/" + fd)
            let line = info.split(separator: "\n").first { $0.hasPrefix("flags:") }
            return line.flatMap { Int($0.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8) }
        }
        return nil
    }

    @Test func acceptedSocketsAreNonBlockingAndCloseOnExec() throws {
        try withServer { port, _ in
            let c = try RawClient(port: port)
            c.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try c.readResponse().status == 200)
            // /proc/net/tcp: "sl local_address rem_address st ... inode"; state 01 is ESTABLISHED.
            let portHex = String(format: ":%04X", port)
            let table = try AcceptedSocketFlagsTests.procFile("/proc/net/tcp")
            let inodes = table.split(separator: "\n").dropFirst().compactMap { row -> String? in
                let f = row.split(separator: " ", omittingEmptySubsequences: true)
                guard f.count > 9, f[1].hasSuffix(portHex), f[3] == "01" else { return nil }
                return String(f[9])
            }
            #expect(inodes.count == 1, "one accepted connection on the server's port")
            let flags = try #require(try inodes.first.flatMap { try AcceptedSocketFlagsTests.flags(ofSocketInode: $0) })
            #expect(flags & Int(O_CLOEXEC) != 0, "accepted socket is close-on-exec (flags \(String(flags, radix: 8)))")
            #expect(flags & Int(O_NONBLOCK) != 0, "accepted socket is non-blocking")
        }
    }
}
