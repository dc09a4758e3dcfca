// A throwaway PKI for the TLS tests, made once per test process with the openssl CLI in a temp
// directory: a CA, a server certificate for localhost/127.0.0.1 signed by it, and one for another
// host name (to prove host-name verification refuses it).
import Foundation

struct TLSTestCertificates: Sendable {
    let directory: String
    var caCertificate: String { directory + "/ca.pem" }
    var serverCertificate: String { directory + "/server.pem" }
    var serverKey: String { directory + "/server.key" }
    var wrongHostCertificate: String { directory + "/wrong.pem" }
    var wrongHostKey: String { directory + "/wrong.key" }

    /// Made on first use; a failure is reported by every test that needs it.
    static let shared: Result<TLSTestCertificates, TLSTestSetupError> = Result { () throws(TLSTestSetupError) in
        try TLSTestCertificates.make()
    }

    private static func make() throws(TLSTestSetupError) -> TLSTestCertificates {
        let dir = NSTemporaryDirectory() + "gateway-tls-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw TLSTestSetupError("cannot create \(dir): \(error)")
        }
        // Removed when the test process exits (the handler reads the static, so it captures nothing).
        atexit {
            if case .success(let certs) = TLSTestCertificates.shared {
                try? FileManager.default.removeItem(atPath: certs.directory)
            }
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=webhook-gateway test CA",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: dir)
        for (name, san) in [("server", "DNS:localhost,IP:127.0.0.1"), ("wrong", "DNS:wrong.example")] {
            let ext = "subjectAltName=\(san)\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
            guard FileManager.default.createFile(atPath: "\(dir)/\(name).ext", contents: Data(ext.utf8)) else {
                throw TLSTestSetupError("cannot write \(dir)/\(name).ext")
            }
            try run(["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"], in: dir)
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"], in: dir)
        }
        return TLSTestCertificates(directory: dir)
    }

    private static func run(_ arguments: [String], in directory: String) throws(TLSTestSetupError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw TLSTestSetupError("cannot run openssl: \(error)") }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TLSTestSetupError("openssl \(arguments.joined(separator: " ")) failed: \(String(decoding: stderr, as: UTF8.self))")
        }
    }
}

struct TLSTestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
