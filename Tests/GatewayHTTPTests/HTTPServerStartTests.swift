// Starting the server: the port it reports, and refusing a port that is already taken even though
// the loops' listeners use SO_REUSEPORT among themselves.

import Testing
import GatewayHTTP

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
