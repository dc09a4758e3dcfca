// The shipped gateway.yaml and the built-in defaults.

import GatewayConfig
import GatewayCore
import Testing

@Suite struct DefaultConfigurationTests {
    @Test func shippedGatewayYAMLDecodesWithoutErrorsAndWarnsAboutEachUnsetVariable() throws {
        let path = repositoryRoot() + "/gateway.yaml"
        let (config, warnings) = try GatewayConfiguration.load(path: path, resolver: resolver())
        #expect(config.server.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(config.storage.path == "./data")
        #expect(config.storage.fsync == .always)
        #expect(config.log.level == .info)
        #expect(config.log.format == .json)
        #expect(config.admin.listen.description == "127.0.0.1:8081")
        #expect(config.admin.enabledToken == nil)
        #expect(config.providersDirectory == repositoryRoot() + "/providers")

        #expect(config.sources.map(\.name) == ["recall", "meetingbaas", "meetingbaas-v2", "meetingbaas-v2-callback", "retell", "reflector"])
        #expect(config.sources.map(\.provider) == ["recall", "meetingbaas", "meetingbaas-v2", "meetingbaas-v2-callback", "retell", "reflector"])
        #expect(config.sources.map(\.path) == config.sources.map { "/webhooks/\($0.name)" })
        #expect(config.sources.flatMap(\.unsetVariables) == [
            "RECALL_WEBHOOK_SECRET", "MEETINGBAAS_API_KEY", "MEETINGBAAS_WEBHOOK_SECRET", "MEETINGBAAS_CALLBACK_SECRET", "RETELL_API_KEY",
            "REFLECTOR_WEBHOOK_SECRET",
        ])

        #expect(config.sinks.map(\.name) == ["stdout", "events-file"])
        #expect(config.sinks.map(\.type) == ["stdout", "file"])
        #expect(config.sinks[0].node["format"]?.scalar == "text")
        #expect(config.sinks[1].node["path"]?.scalar == "./data/events.jsonl")

        let messages = warnings.map(\.message)
        #expect(messages == [
            "source 'recall': environment variable RECALL_WEBHOOK_SECRET is not set; the source answers 503 until it is",
            "source 'meetingbaas': environment variable MEETINGBAAS_API_KEY is not set; the source answers 503 until it is",
            "source 'meetingbaas-v2': environment variable MEETINGBAAS_WEBHOOK_SECRET is not set; the source answers 503 until it is",
            "source 'meetingbaas-v2-callback': environment variable MEETINGBAAS_CALLBACK_SECRET is not set; the source answers 503 until it is",
            "source 'retell': environment variable RETELL_API_KEY is not set; the source answers 503 until it is",
            "source 'reflector': environment variable REFLECTOR_WEBHOOK_SECRET is not set; the source answers 503 until it is",
            "admin API disabled: environment variable GATEWAY_ADMIN_TOKEN (its token) is not set",
        ])
        #expect(warnings.allSatisfy { $0.location.file == path && $0.location.line > 0 })
    }

    @Test func shippedGatewayYAMLWithEverySecretSetHasNoWarnings() throws {
        let env = [
            "RECALL_WEBHOOK_SECRET": "whsec_a", "MEETINGBAAS_API_KEY": "b", "MEETINGBAAS_WEBHOOK_SECRET": "whsec_c", "MEETINGBAAS_CALLBACK_SECRET": "g",
            "RETELL_API_KEY": "d", "REFLECTOR_WEBHOOK_SECRET": "e", "GATEWAY_ADMIN_TOKEN": "f",
        ]
        let (config, warnings) = try GatewayConfiguration.load(path: repositoryRoot() + "/gateway.yaml", resolver: resolver(env: env))
        #expect(warnings.isEmpty)
        #expect(config.sources.allSatisfy { $0.unsetVariables.isEmpty && $0.presentSecrets.count == 1 })
        #expect(config.admin.enabledToken?.text == "f")
    }

    @Test func emptyDocumentGivesEveryDefault() throws {
        let d = try decodeConfig("")
        #expect(d.errors == [])
        let c = d.configuration
        #expect(c.server.listen.description == "127.0.0.1:8080")
        #expect(c.server.eventLoops >= 1)
        #expect(c.server.maxConnections == 10_000)
        #expect(c.server.bodyLimit == ConfigByteSize(bytes: 10 << 20))
        #expect(c.server.headerLimit == ConfigByteSize(bytes: 16 << 10))
        #expect(c.server.maxHeaders == 100)
        #expect(c.server.headerTimeout.seconds == 10)
        #expect(c.server.bodyTimeout.seconds == 30)
        #expect(c.server.idleTimeout.seconds == 60)
        #expect(c.server.maxRequestsPerConnection == 10_000)
        #expect(c.server.maxInFlight == 4096)
        #expect(c.server.shutdownGrace.seconds == 10)
        #expect(c.server.tls == nil)
        #expect(c.storage.path == "./data")
        #expect(c.storage.segmentSize == ConfigByteSize(bytes: 64 << 20))
        #expect(c.storage.dedupeWindow.seconds == 72 * 3600)
        #expect(c.storage.retention.seconds == 7 * 86400)
        #expect(c.providersDirectory == "/etc/gw/providers")
        #expect(c.log.level == .info && c.log.format == .json)
        #expect(d.warnings == [
            "gw.yaml:1:1: no sources are configured: the gateway accepts no webhooks",
            "gw.yaml:1:1: no sinks are configured: events are journaled but delivered nowhere",
            "gw.yaml:1:1: admin API disabled: no 'token' configured (e.g. token: ${env:GATEWAY_ADMIN_TOKEN})",
        ])
    }

    @Test func providersDirIsResolvedAgainstTheConfigFilesDirectory() throws {
        let dir = try temporaryDirectory()
        let path = try temporaryFile("providers_dir: defs\n", name: "gw.yaml")
        let (relative, _) = try GatewayConfiguration.load(path: path, resolver: resolver())
        #expect(relative.providersDirectory.hasSuffix("/defs"))
        #expect(relative.providersDirectory.hasPrefix(String(path.dropLast("gw.yaml".count))))
        let (absolute, _) = try GatewayConfiguration.load(text: "providers_dir: \(dir)\n", file: "x/gw.yaml", resolver: resolver())
        #expect(absolute.providersDirectory == dir)
        let (bare, _) = try GatewayConfiguration.load(text: "", file: "gw.yaml", resolver: resolver())
        #expect(bare.providersDirectory == "providers")
    }
}
