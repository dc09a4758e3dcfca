// `sources:` entries: secrets from the environment and from files (present, unset, missing), the
// secret value kept out of every message and description, rotation lists, verify: none, paths.

import GatewayConfig
import GatewayCore
import Testing

@Suite struct SourceDecodingTests {
    static let secretValue = "s3cr3t-VALUE-never-printed"

    @Test func environmentSecretThatIsSetResolvesToItsValue() throws {
        let d = try decodeConfig(minimalConfig(), env: ["RECALL_SECRET": Self.secretValue])
        #expect(d.errors == [])
        #expect(d.warnings == [])
        let source = try #require(d.configuration.sources.first)
        #expect(source.presentSecrets.map(\.text) == [Self.secretValue])
        #expect(source.presentSecrets.first?.origin == "env:RECALL_SECRET")
        #expect(source.path == "/webhooks/recall")
        #expect(source.verifySignatures && source.keepRaw)
        #expect(source.providerLocation.description == "gw.yaml:5:15")
    }

    @Test func unsetEnvironmentVariableKeepsTheSourceAndWarnsWithTheVariableName() throws {
        let d = try decodeConfig(minimalConfig())
        #expect(d.errors == [])
        #expect(d.warnings == ["gw.yaml:6:13: source 'recall': environment variable RECALL_SECRET is not set; the source answers 503 until it is"])
        #expect(d.configuration.sources.first?.secrets == [.unsetVariable("RECALL_SECRET")])
        #expect(d.configuration.sources.first?.unsetVariables == ["RECALL_SECRET"])
    }

    @Test func fileSecretIsReadWithoutItsTrailingNewline() throws {
        let doc = minimalConfig().replacingOccurrences(of: "${env:RECALL_SECRET}", with: "${file:/run/secrets/recall}")
        let d = try decodeConfig(doc, files: ["/run/secrets/recall": Self.secretValue + "\n"])
        #expect(d.errors == [])
        #expect(d.configuration.sources.first?.presentSecrets.map(\.text) == [Self.secretValue])
        #expect(d.configuration.sources.first?.presentSecrets.first?.origin == "file:/run/secrets/recall")
    }

    @Test func realSecretFileOnDiskIsRead() throws {
        let path = try temporaryFile(Self.secretValue + "\n", name: "secret")
        let doc = minimalConfig().replacingOccurrences(of: "${env:RECALL_SECRET}", with: "${file:\(path)}")
        let (config, warnings) = try GatewayConfiguration.load(text: doc, file: "gw.yaml", resolver: .process)
        #expect(config.sources.first?.presentSecrets.map(\.text) == [Self.secretValue])
        #expect(warnings.map(\.message) == ["admin API disabled: environment variable ADMIN_TOKEN (its token) is not set"])
    }

    @Test func missingSecretFileIsAnErrorNamingThePathOnly() throws {
        let doc = minimalConfig().replacingOccurrences(of: "${env:RECALL_SECRET}", with: "${file:/run/secrets/absent}")
        let d = try decodeConfig(doc)
        #expect(d.errors == ["gw.yaml:6:13: source 'recall' key 'secret': cannot read secret file /run/secrets/absent"])
        #expect(d.configuration.sources.isEmpty)
    }

    @Test func secretValueAppearsInNoErrorWarningOrDescription() throws {
        // Every secret-bearing place set to the same value, next to mistakes that produce messages.
        let doc = """
            admin:
              token: ${env:ADMIN}
            sources:
              - name: a
                provider: recall
                secrets: ["${env:SECRET_A}", "${file:/s/b}", "${env:UNSET}"]
                tolerance: forever
              - name: b
                provider: recall
                secret: ${file:/s/b}
                verify: sometimes
              - name: c
                provider: recall
                secret: \(Self.secretValue)
                verify: none
            sinks:
              - {name: out, type: stdout, retry: {jitter: 7}}
            """
        let env = ["ADMIN": Self.secretValue, "SECRET_A": Self.secretValue]
        let d = try decodeConfig(doc, env: env, files: ["/s/b": Self.secretValue])
        #expect(!d.errors.isEmpty)
        #expect(!d.warnings.isEmpty)
        let texts = d.errors + d.warnings + [
            String(describing: d.configuration), String(reflecting: d.configuration),
            "\(d.configuration.sources)", "\(d.configuration.admin)",
        ]
        for text in texts {
            #expect(!text.contains(Self.secretValue), "secret leaked in: \(text)")
        }
        #expect(d.configuration.admin.enabledToken?.text == Self.secretValue)
    }

    @Test func inlineSecretWorksButWarnsWithoutShowingIt() throws {
        let d = try decodeConfig("admin: {token: \(Self.secretValue)}\nsources:\n  - {name: a, provider: p, secret: \(Self.secretValue)}\n")
        #expect(d.errors == [])
        #expect(d.configuration.sources.first?.presentSecrets.map(\.text) == [Self.secretValue])
        #expect(d.configuration.admin.enabledToken?.text == Self.secretValue)
        #expect(d.warnings.filter { $0.contains("inline") }.sorted() == [
            "gw.yaml:1:16: admin key 'token' is written inline; prefer ${env:NAME} or ${file:/path} so the file holds no secret",
            "gw.yaml:3:36: source 'a' key 'secret' is written inline; prefer ${env:NAME} or ${file:/path} so the file holds no secret",
        ])
        #expect(!d.warnings.joined().contains(Self.secretValue))
    }

    @Test func secretsListKeepsEveryEntryForRotation() throws {
        let doc = minimalConfig().replacingOccurrences(of: "secret: ${env:RECALL_SECRET}", with: "secrets: [\"${env:NEW}\", \"${env:OLD}\"]")
        let d = try decodeConfig(doc, env: ["NEW": "n"])
        #expect(d.errors == [])
        #expect(d.configuration.sources.first?.secrets == [.present(Secret("n", origin: "env:NEW")), .unsetVariable("OLD")])
        #expect(d.warnings == ["gw.yaml:6:29: source 'recall': environment variable OLD is not set; the source answers 503 until it is"])
    }

    @Test func secretAndSecretsTogetherIsAnError() throws {
        let d = try decodeConfig("sources:\n  - name: a\n    provider: p\n    secret: x\n    secrets: [y]\n")
        #expect(d.errors == ["gw.yaml:5:14: source 'a': use either 'secret' or 'secrets', not both"])
    }

    @Test func sourceWithoutSecretIsAnErrorUnlessVerificationIsOff() throws {
        let d = try decodeConfig("sources:\n  - name: a\n    provider: p\n  - name: b\n    provider: p\n    verify: none\n")
        #expect(d.errors == ["gw.yaml:2:5: source 'a': missing required key 'secret' (or 'secrets'; 'verify: none' accepts unsigned webhooks)"])
        let b = try #require(d.configuration.sources.first)
        #expect(b.name == "b" && !b.verifySignatures && b.secrets.isEmpty)
        #expect(d.warnings.contains("gw.yaml:6:13: source 'b' accepts unsigned webhooks (verify: none): anyone who can reach /webhooks/b can inject events"))
    }

    @Test func verifyAcceptsOnlyNone() throws {
        let d = try decodeConfig("sources:\n  - name: a\n    provider: p\n    secret: x\n    verify: hmac\n")
        #expect(d.errors == ["gw.yaml:5:13: source 'a': 'verify' only accepts none (to accept unsigned webhooks); remove it to verify signatures"])
    }

    @Test func verifyNoneWithASecretIsContradictory() throws {
        let d = try decodeConfig("sources:\n  - name: a\n    provider: p\n    secret: x\n    verify: none\n")
        #expect(d.errors == ["gw.yaml:4:13: source 'a': 'verify: none' and a secret contradict each other; remove one"])
    }

    @Test func malformedSecretReferenceIsAnError() throws {
        let d = try decodeConfig("sources:\n  - name: a\n    provider: p\n    secret: ${env:BAD-NAME}\n  - name: b\n    provider: p\n    secret: ${vault:x}\n")
        #expect(d.errors == [
            "gw.yaml:4:13: source 'a' key 'secret': invalid environment variable name in secret reference",
            "gw.yaml:7:13: source 'b' key 'secret': unknown secret reference kind; write ${env:NAME} or ${file:/path}",
        ])
    }

    @Test func optionalKeysAreDecoded() throws {
        let d = try decodeConfig("""
            sources:
              - name: retell
                provider: retell
                secret: k
                path: /hooks/retell
                body_limit: 1MiB
                tolerance: 10m
                keep_raw: false
                response:
                  call_inbound:
                    override_agent_id: agent_123
            """)
        #expect(d.errors == [])
        let s = try #require(d.configuration.sources.first)
        #expect(s.path == "/hooks/retell")
        #expect(s.bodyLimit == ConfigByteSize(bytes: 1 << 20))
        #expect(s.tolerance?.seconds == 600)
        #expect(s.keepRaw == false)
        #expect(s.response?.at("call_inbound", "override_agent_id")?.scalar == "agent_123")
        #expect(s.response?.location.description == "gw.yaml:10:7")
    }

    @Test func badNamesDuplicateNamesAndDuplicatePathsAreErrors() throws {
        let d = try decodeConfig("""
            sources:
              - {name: Recall, provider: p, secret: x}
              - {name: a, provider: p, secret: x}
              - {name: a, provider: p, secret: x, path: /other}
              - {name: b, provider: p, secret: x, path: /webhooks/a}
              - {name: c, provider: p, secret: x, path: no-slash}
            """)
        #expect(d.errors == [
            "gw.yaml:2:12: source name 'Recall' must use only lowercase letters, digits, '-' and '_' (at most 64)",
            "gw.yaml:4:12: source name 'a' is already used (at 3:12)",
            "gw.yaml:5:45: source 'b': path /webhooks/a is already used by source 'a'",
            "gw.yaml:6:45: source 'c': 'path' must start with '/' and contain no spaces, '?' or '#'",
        ])
    }

    @Test func sourceBodyLimitMayNotExceedTheServers() throws {
        let d = try decodeConfig("server: {body_limit: 1MiB}\nsources:\n  - {name: a, provider: p, secret: x, body_limit: 2MiB}\n")
        #expect(d.errors == ["gw.yaml:3:51: source 'a': 'body_limit' 2MiB exceeds server.body_limit 1MiB; raise server.body_limit"])
    }

    @Test func unknownSourceKeySuggestsTheNearestOne() throws {
        let d = try decodeConfig("sources:\n  - {name: a, provider: p, secret: x, keepraw: true}\n")
        #expect(d.errors == ["gw.yaml:2:39: unknown key 'keepraw' in source 'a' (did you mean 'keep_raw'?)"])
    }
}
