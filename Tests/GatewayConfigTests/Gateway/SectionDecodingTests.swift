// `server`, `storage`, `admin` and `log`: values as written, TLS file checks, listen addresses.

import GatewayConfig
import GatewayCore
import Testing

@Suite struct SectionDecodingTests {
    @Test func serverValuesAreDecoded() throws {
        let d = try decodeConfig("""
            server:
              listen: "[::1]:9443"
              event_loops: 2
              max_connections: 500
              body_limit: 256KiB
              header_limit: 8KiB
              max_headers: 50
              header_timeout: 500ms
              body_timeout: 5s
              idle_timeout: 2m
              max_requests_per_connection: 1_000
              max_in_flight: 64
              shutdown_grace: 0s
            """)
        #expect(d.errors == [])
        let s = d.configuration.server
        #expect(s.listen == ListenAddress(host: "::1", port: 9443))
        #expect(s.listen.isIPv6 && s.listen.description == "[::1]:9443")
        #expect(s.eventLoops == 2)
        #expect(s.maxConnections == 500)
        #expect(s.bodyLimit.bytes == 256 << 10)
        #expect(s.headerLimit.bytes == 8 << 10)
        #expect(s.maxHeaders == 50)
        #expect(s.headerTimeout.seconds == 0.5)
        #expect(s.bodyTimeout.seconds == 5)
        #expect(s.idleTimeout.seconds == 120)
        #expect(s.maxRequestsPerConnection == 1000)
        #expect(s.maxInFlight == 64)
        #expect(s.shutdownGrace.seconds == 0)
    }

    @Test func tlsFilesMustExist() throws {
        let cert = try temporaryFile("-----BEGIN CERTIFICATE-----\n", name: "cert.pem")
        let ok = try decodeConfig("server:\n  tls:\n    certificate: \(cert)\n    private_key: \(cert)\n")
        #expect(ok.errors == [])
        #expect(ok.configuration.server.tls == GatewayConfiguration.TLS(certificate: cert, privateKey: cert))

        let bad = try decodeConfig("server:\n  tls:\n    certificate: /nonexistent/cert.pem\n    privat_key: k\n")
        #expect(bad.errors == [
            "gw.yaml:3:5: server.tls: missing required key 'private_key'",
            "gw.yaml:3:18: server.tls: cannot read the certificate file /nonexistent/cert.pem",
            "gw.yaml:4:5: unknown key 'privat_key' in server.tls (did you mean 'private_key'?)",
        ])
        #expect(bad.configuration.server.tls == nil)
    }

    @Test func storageValuesAreDecoded() throws {
        let d = try decodeConfig("""
            storage:
              path: /var/lib/gw
              fsync: interval
              fsync_interval: 50ms
              segment_size: 128MiB
              dedupe_window: 24h
              retention: 30d
            """)
        #expect(d.errors == [])
        let s = d.configuration.storage
        #expect(s.path == "/var/lib/gw")
        #expect(s.fsync == .interval(ConfigDuration(seconds: 0.05)))
        #expect(s.segmentSize.bytes == 128 << 20)
        #expect(s.dedupeWindow.seconds == 86400)
        #expect(s.retention.seconds == 30 * 86400)
    }

    @Test func fsyncIntervalDefaultsToTenMillisecondsAndWarnsWhenUnused() throws {
        let interval = try decodeConfig("storage: {fsync: interval}\n")
        #expect(interval.configuration.storage.fsync == .interval(ConfigDuration(seconds: 0.01)))
        let never = try decodeConfig("storage: {fsync: never, fsync_interval: 1s}\n")
        #expect(never.errors == [])
        #expect(never.configuration.storage.fsync == .never)
        #expect(never.warnings.contains("gw.yaml:1:41: storage: 'fsync_interval' has no effect unless fsync is interval"))
    }

    @Test func adminTokenEnablesTheAdminAPI() throws {
        let d = try decodeConfig("admin:\n  listen: 127.0.0.1:9999\n  token: ${env:TOKEN}\n", env: ["TOKEN": "t0k"])
        #expect(d.configuration.admin.listen.port == 9999)
        #expect(d.configuration.admin.enabledToken?.text == "t0k")
        #expect(!d.warnings.contains { $0.contains("admin") })
    }

    @Test func adminWithoutTokenOrWithAnUnsetOneIsDisabledWithAWarning() throws {
        let absent = try decodeConfig("admin:\n  listen: 127.0.0.1:9999\n")
        #expect(absent.configuration.admin.enabledToken == nil && absent.configuration.admin.token == nil)
        #expect(absent.warnings.contains("gw.yaml:2:3: admin API disabled: no 'token' configured (e.g. token: ${env:GATEWAY_ADMIN_TOKEN})"))
        let unset = try decodeConfig("admin:\n  token: ${env:NOPE}\n")
        #expect(unset.configuration.admin.token == .unsetVariable("NOPE"))
        #expect(unset.warnings.contains("gw.yaml:2:10: admin API disabled: environment variable NOPE (its token) is not set"))
    }

    @Test func adminListenMustDifferFromTheServers() throws {
        let d = try decodeConfig("server: {listen: 127.0.0.1:8081}\nadmin: {token: x}\n")
        #expect(d.errors == ["gw.yaml:2:8: admin: 'listen' must differ from server.listen (127.0.0.1:8081)"])
        let explicit = try decodeConfig("admin: {listen: 127.0.0.1:8080, token: x}\n")
        #expect(explicit.errors == ["gw.yaml:1:17: admin: 'listen' must differ from server.listen (127.0.0.1:8080)"])
        let ephemeral = try decodeConfig("server: {listen: 127.0.0.1:0}\nadmin: {listen: 127.0.0.1:0, token: x}\n")
        #expect(ephemeral.errors == [])
    }

    @Test func logLevelAndFormatAreDecoded() throws {
        let d = try decodeConfig("log: {level: debug, format: text}\n")
        #expect(d.configuration.log.level == .debug)
        #expect(d.configuration.log.format == .text)
    }
}

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("localhost:65535", "localhost", 65535),
        ("gw-1.internal:80", "gw-1.internal", 80),
        ("[::1]:8080", "::1", 8080),
        ("[2001:db8::1]:443", "2001:db8::1", 443),
    ])
    func parsesValidAddresses(text: String, host: String, port: Int) {
        #expect(ListenAddress.parse(text) == ListenAddress(host: host, port: port))
        #expect(ListenAddress.parse(text)?.description == text)
    }

    @Test(arguments: [
        "8080", ":8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80a",
        "::1:8080", "[::1]8080", "[::1:8080", "[not-v6]:80", "999.1.1.1:80", "bad host:80", "a..b:80", "127.0.0.1:0080000",
    ])
    func rejectsMalformedAddresses(text: String) {
        #expect(ListenAddress.parse(text) == nil)
    }
}
