// `server:`: the webhook listener and its HTTP limits. Every key is optional; the defaults suit a
// gateway behind a load balancer on one machine.

import Foundation
public import GatewayCore

extension GatewayConfiguration {
    public struct Server: Sendable, Equatable {
        /// `listen`: the webhook listener, `host:port` or `[v6]:port` (port 0 = any free port).
        public var listen = ListenAddress(host: "127.0.0.1", port: 8080)
        /// `event_loops`: threads running the event loops (1–1024). Default: one per CPU core.
        public var eventLoops = ProcessInfo.processInfo.activeProcessorCount
        /// `max_connections`: open connections beyond this are refused (1–1 000 000).
        public var maxConnections = 10_000
        /// `body_limit`: largest request body, answered 413 above it (1 B–1 GiB).
        public var bodyLimit = ConfigByteSize.mib(10)
        /// `header_limit`: largest request head, request line included (1 KiB–1 MiB).
        public var headerLimit = ConfigByteSize.kib(16)
        /// `max_headers`: most header fields in one request (1–10 000).
        public var maxHeaders = 100
        /// `header_timeout`: time to receive a whole request head (1 ms–1 h).
        public var headerTimeout = ConfigDuration.s(10)
        /// `body_timeout`: time to receive a whole body once the head is in (1 ms–1 h).
        public var bodyTimeout = ConfigDuration.s(30)
        /// `idle_timeout`: an idle keep-alive connection is closed after this (1 ms–1 h).
        public var idleTimeout = ConfigDuration.s(60)
        /// `response_timeout`: a request not answered this long after it arrived whole gets 503 with
        /// Retry-After and its connection is closed (1 ms–1 h): a stalled disk cannot hold clients.
        public var responseTimeout = ConfigDuration.s(30)
        /// `max_requests_per_connection`: a connection is closed after this many requests (1–10 000 000).
        public var maxRequestsPerConnection = 10_000
        /// `max_in_flight`: webhooks accepted but not yet in the journal; beyond this new ones are
        /// answered 429 with Retry-After, so a stalled disk cannot pile requests up in memory (1–1 000 000).
        public var maxInFlight = 4096
        /// `shutdown_grace`: on stop, in-flight requests get this long to finish (0 s–10 m).
        public var shutdownGrace = ConfigDuration.s(10)
        /// `tls`: serve HTTPS with these files; absent = plain HTTP.
        public var tls: TLS?

        public init() {}

        public static let keys = [
            "listen", "event_loops", "max_connections", "body_limit", "header_limit", "max_headers",
            "header_timeout", "body_timeout", "idle_timeout", "response_timeout", "max_requests_per_connection", "max_in_flight",
            "shutdown_grace", "tls",
        ]

        static func decode(_ node: ConfigNode, diagnostics: ConfigDiagnostics) -> Server {
            var r = ConfigReader(node, context: "server", diagnostics: diagnostics)
            var s = Server()
            s.listen = r.optional("listen", default: s.listen)
            s.eventLoops = r.optional("event_loops", default: s.eventLoops, in: 1...1024)
            s.maxConnections = r.optional("max_connections", default: s.maxConnections, in: 1...1_000_000)
            s.bodyLimit = r.optional("body_limit", default: s.bodyLimit, in: ConfigByteSize(bytes: 1)...ConfigByteSize.gib(1))
            s.headerLimit = r.optional("header_limit", default: s.headerLimit, in: ConfigByteSize.kib(1)...ConfigByteSize.mib(1))
            s.maxHeaders = r.optional("max_headers", default: s.maxHeaders, in: 1...10_000)
            let timeouts = ConfigDuration.ms(1)...ConfigDuration.h(1)
            s.headerTimeout = r.optional("header_timeout", default: s.headerTimeout, in: timeouts)
            s.bodyTimeout = r.optional("body_timeout", default: s.bodyTimeout, in: timeouts)
            s.idleTimeout = r.optional("idle_timeout", default: s.idleTimeout, in: timeouts)
            s.responseTimeout = r.optional("response_timeout", default: s.responseTimeout, in: timeouts)
            s.maxRequestsPerConnection = r.optional("max_requests_per_connection", default: s.maxRequestsPerConnection, in: 1...10_000_000)
            s.maxInFlight = r.optional("max_in_flight", default: s.maxInFlight, in: 1...1_000_000)
            s.shutdownGrace = r.optional("shutdown_grace", default: s.shutdownGrace, in: ConfigDuration.s(0)...ConfigDuration.m(10))
            if let tls = r.node("tls"), !tls.isNull {
                s.tls = TLS.decode(tls, diagnostics: diagnostics)
            }
            r.finish()
            return s
        }
    }

    /// `server.tls`: PEM files for HTTPS. Relative paths are taken from the working directory.
    public struct TLS: Sendable, Equatable {
        /// `certificate`: PEM certificate chain, leaf first (required; the file must exist).
        public var certificate: String
        /// `private_key`: PEM private key of the leaf certificate (required; the file must exist).
        public var privateKey: String

        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }

        static func decode(_ node: ConfigNode, diagnostics: ConfigDiagnostics) -> TLS? {
            var r = ConfigReader(node, context: "server.tls", diagnostics: diagnostics)
            let certificate = readableFile("certificate", &r)
            let privateKey = readableFile("private_key", &r)
            r.finish()
            guard let certificate, let privateKey else { return nil }
            return TLS(certificate: certificate, privateKey: privateKey)
        }

        private static func readableFile(_ key: String, _ r: inout ConfigReader) -> String? {
            guard let path = r.required(key, as: String.self), let n = r.node(key) else { return nil }
            guard FileManager.default.isReadableFile(atPath: path) else {
                r.diagnostics.error("server.tls: cannot read the \(key.replacingOccurrences(of: "_", with: " ")) file \(path)", at: n.location)
                return nil
            }
            return path
        }
    }
}
