// HTTPClient over OpenSSLClientContext against local TLS servers: a certificate from the
// configured CA is accepted, one for another host or from an unknown CA is refused, keep-alive
// works over TLS, and the client interoperates with `openssl s_server`.
import Foundation
import GatewayHTTP
import GatewayTLS
import Testing

@Suite struct OpenSSLClientContextTests {
    private static let okResponse = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure"

    private func server(certificate: String, key: String) throws -> TLSTestServer {
        try TLSTestServer(context: OpenSSLServerContext(certificatePath: certificate, privateKeyPath: key), response: Self.okResponse)
    }

    private func tlsError(_ body: () throws -> Void) -> String? {
        do { try body() } catch let HTTPClientError.tls(why) { return why } catch { return "unexpected: \(error)" }
        return nil
    }

    @Test func acceptsACertificateSignedByTheConfiguredCAForTheHostName() throws {
        let certs = try TLSTestCertificates.shared.get()
        let server = try server(certificate: certs.serverCertificate, key: certs.serverKey)
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(tls: try OpenSSLClientContext(caFile: certs.caCertificate)))
        let byName = try client.send(HTTPClientRequest(url: HTTPURL("https://localhost:\(server.port)/")!))
        #expect(byName.status == 200 && byName.body == Array("secure".utf8))
        // The certificate also names 127.0.0.1 as an IP address SAN.
        let byIP = try client.send(HTTPClientRequest(url: HTTPURL("https://127.0.0.1:\(server.port)/")!))
        #expect(byIP.status == 200)
    }

    @Test func reusesTLSConnectionsFromThePool() throws {
        let certs = try TLSTestCertificates.shared.get()
        let server = try server(certificate: certs.serverCertificate, key: certs.serverKey)
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(tls: try OpenSSLClientContext(caFile: certs.caCertificate)))
        for _ in 0..<4 {
            #expect(try client.send(HTTPClientRequest(url: HTTPURL("https://localhost:\(server.port)/")!)).status == 200)
            usleep(20_000)  // lets TLS 1.3 session tickets arrive while the connection is idle
        }
        #expect(server.accepts == 1)
    }

    @Test func refusesACertificateIssuedForAnotherHost() throws {
        let certs = try TLSTestCertificates.shared.get()
        let server = try server(certificate: certs.wrongHostCertificate, key: certs.wrongHostKey)
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(tls: try OpenSSLClientContext(caFile: certs.caCertificate)))
        let why = tlsError { _ = try client.send(HTTPClientRequest(url: HTTPURL("https://localhost:\(server.port)/")!)) }
        #expect(why?.contains("hostname mismatch") == true, "\(why ?? "no error")")
        #expect(why?.contains("localhost") == true)
    }

    @Test func refusesAServerWhoseCAIsNotTrusted() throws {
        let certs = try TLSTestCertificates.shared.get()
        let server = try server(certificate: certs.serverCertificate, key: certs.serverKey)
        defer { server.stop() }
        let client = HTTPClient(configuration: .init(tls: try OpenSSLClientContext()))  // system store only
        let why = tlsError { _ = try client.send(HTTPClientRequest(url: HTTPURL("https://localhost:\(server.port)/")!)) }
        #expect(why?.contains("certificate verify failed") == true, "\(why ?? "no error")")
        #expect(why?.contains("local issuer") == true)
    }

    @Test func talksToOpenSSLSServer() throws {
        let certs = try TLSTestCertificates.shared.get()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_server", "-accept", "127.0.0.1:0", "-cert", certs.serverCertificate,
                             "-key", certs.serverKey, "-www", "-naccept", "1"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // SIGKILL, not terminate(): the child inherits the test thread's signal mask, in which
        // SIGTERM may be blocked, and a failed test must not leave s_server (and itself) hanging.
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        // Watchdog: if s_server never prints what we wait for, killing it ends the read below.
        DispatchQueue.global().asyncAfter(deadline: .now() + 10) {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        // s_server prints "ACCEPT 127.0.0.1:<port>" once it listens (after other lines).
        var seen = ""
        let handle = output.fileHandleForReading
        func acceptLine() -> Substring? { seen.split(separator: "\n").first { $0.hasPrefix("ACCEPT ") } }
        while acceptLine() == nil {
            let data = handle.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        let port = try #require(acceptLine()?.split(separator: ":").last.flatMap { Int($0) }, "\(seen)")
        let client = HTTPClient(configuration: .init(tls: try OpenSSLClientContext(caFile: certs.caCertificate)))
        let response = try client.send(HTTPClientRequest(url: HTTPURL("https://localhost:\(port)/")!))
        #expect(response.status == 200)
        // -www answers with an HTML page describing the session, body delimited by close.
        #expect(String(decoding: response.body, as: UTF8.self).contains("Ciphers supported"))
    }

    @Test func namesTheCAFileWhenItCannotBeLoaded() throws {
        let certs = try TLSTestCertificates.shared.get()
        #expect {
            _ = try OpenSSLClientContext(caFile: certs.directory + "/missing.pem")
        } throws: { error in
            "\(error)".hasPrefix(certs.directory + "/missing.pem: cannot read CA file")
        }
        #expect {
            _ = try OpenSSLClientContext(caFile: certs.directory + "/server.ext")  // not PEM
        } throws: { error in
            "\(error)".contains("server.ext: cannot load CA certificates")
        }
    }
}
