// OpenSSLServerContext: loading errors name the file without echoing key material, `openssl
// s_client` completes a verified handshake against it, and curl talks HTTPS to the real HTTPServer.
import Foundation
import GatewayCore
import GatewayHTTP
import GatewayTLS
import Testing

@Suite struct OpenSSLServerContextTests {
    @Test func namesTheMissingCertificateFile() throws {
        let certs = try TLSTestCertificates.shared.get()
        #expect {
            _ = try OpenSSLServerContext(certificatePath: certs.directory + "/nope.pem", privateKeyPath: certs.serverKey)
        } throws: { error in
            "\(error)" == certs.directory + "/nope.pem: cannot read certificate file: No such file or directory"
        }
    }

    @Test func refusesAKeyThatDoesNotMatchTheCertificateWithoutPrintingTheKey() throws {
        let certs = try TLSTestCertificates.shared.get()
        let keyText = try String(contentsOfFile: certs.wrongHostKey, encoding: .utf8)
        #expect {
            _ = try OpenSSLServerContext(certificatePath: certs.serverCertificate, privateKeyPath: certs.wrongHostKey)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(certs.wrongHostKey + ":") && text.contains("does not match")
                && !text.contains("PRIVATE KEY") && !keyText.split(separator: "\n").dropFirst().contains { text.contains($0) }
        }
    }

    @Test func refusesACertificateFileThatIsNotPEM() throws {
        let certs = try TLSTestCertificates.shared.get()
        #expect {
            _ = try OpenSSLServerContext(certificatePath: certs.directory + "/server.ext", privateKeyPath: certs.serverKey)
        } throws: { error in
            "\(error)".hasPrefix(certs.directory + "/server.ext: cannot load certificate chain")
        }
    }

    @Test func completesAVerifiedHandshakeWithOpenSSLSClient() throws {
        let certs = try TLSTestCertificates.shared.get()
        let server = try TLSTestServer(
            context: OpenSSLServerContext(certificatePath: certs.serverCertificate, privateKeyPath: certs.serverKey),
            response: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        defer { server.stop() }
        let (status, output) = try runTool("/usr/bin/openssl", [
            "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost", "-verify_hostname", "localhost",
            "-CAfile", certs.caCertificate, "-verify_return_error", "-quiet",
        ], input: "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        #expect(status == 0, "\(output)")
        #expect(output.contains("HTTP/1.1 200 OK"))
    }

    @Test func servesHTTPSToCurlThroughHTTPServer() throws {
        let certs = try TLSTestCertificates.shared.get()
        let context = try OpenSSLServerContext(certificatePath: certs.serverCertificate, privateKeyPath: certs.serverKey)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoops: 1, tls: context),
            handler: EchoPathHandler(), logger: .silent)
        let port = try server.start()
        defer { server.shutdown(grace: 1) }
        let (status, output) = try runTool("/usr/bin/curl", [
            "--silent", "--show-error", "--max-time", "10", "--cacert", certs.caCertificate,
            "--data-binary", "hello", "https://localhost:\(port)/over/tls",
        ])
        #expect(status == 0, "\(output)")
        #expect(output == "POST /over/tls 5")
        // And our own client against our own server, keep-alive included.
        let client = HTTPClient(configuration: .init(tls: try OpenSSLClientContext(caFile: certs.caCertificate)))
        for i in 0..<3 {
            let response = try client.send(HTTPClientRequest(method: "POST", url: HTTPURL("https://localhost:\(port)/n\(i)")!, body: [1, 2]))
            #expect(String(decoding: response.body, as: UTF8.self) == "POST /n\(i) 2")
        }
        #expect(client.idleConnectionCount == 1)
    }

    private func runTool(_ path: String, _ arguments: [String], input: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        // s_client -quiet exits when the server closes; keep stdin open until then for it.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Answers "<METHOD> <path> <body length>" to every request.
struct EchoPathHandler: HTTPHandler {
    func prepare(_ head: HTTPRequestHead) -> HeadVerdict { .accept(bodyLimit: 1 << 20) }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        responder.respond(.text(200, "\(request.head.method) \(request.head.path) \(request.body.count)"))
    }
}
