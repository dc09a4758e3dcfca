// Each class of decoding error, with its exact file:line:column, and all of them reported together.

import GatewayConfig
import GatewayCore
import Testing

@Suite struct DecodingErrorTests {
    @Test func unknownKeySuggestsTheNearestValidKey() throws {
        let d = try decodeConfig("""
            server:
              listne: 127.0.0.1:9000
            storage:
              fsnyc: never
            """)
        #expect(d.errors == [
            "gw.yaml:2:3: unknown key 'listne' in server (did you mean 'listen'?)",
            "gw.yaml:4:3: unknown key 'fsnyc' in storage (did you mean 'fsync'?)",
        ])
    }

    @Test func unknownTopLevelKeyWithoutACloseMatchHasNoSuggestion() throws {
        let d = try decodeConfig("servers: {}\nzzzzzz: 1\n")
        #expect(d.errors == [
            "gw.yaml:1:1: unknown key 'servers' in the configuration (did you mean 'server'?)",
            "gw.yaml:2:1: unknown key 'zzzzzz' in the configuration",
        ])
    }

    @Test func wrongTypeNamesTheExpectedType() throws {
        let d = try decodeConfig("""
            server:
              max_connections: lots
              body_limit: [1, 2]
              header_timeout: soon
            log:
              level: {a: 1}
            """)
        #expect(d.errors == [
            "gw.yaml:2:20: server key 'max_connections' must be an integer",
            "gw.yaml:3:15: server key 'body_limit' must be a size, found a list",
            "gw.yaml:4:19: server key 'header_timeout' must be a duration such as 500ms, 5s, 30m, 72h or 7d",
            "gw.yaml:6:10: log key 'level' must be a string, found a mapping",
        ])
    }

    @Test func quotedNumberIsNotAnInteger() throws {
        let d = try decodeConfig("server:\n  max_headers: \"100\"\n")
        #expect(d.errors == ["gw.yaml:2:16: server key 'max_headers' must be an integer, found a quoted string"])
    }

    @Test func missingRequiredKeyIsReportedAtTheEntry() throws {
        let d = try decodeConfig("""
            sources:
              - provider: recall
                secret: x
              - name: b
                secret: y
            """)
        #expect(d.errors == [
            "gw.yaml:2:5: sources[0]: missing required key 'name'",
            "gw.yaml:4:5: source 'b': missing required key 'provider'",
        ])
    }

    @Test func outOfRangeValuesAreErrors() throws {
        let d = try decodeConfig("""
            server:
              listen: 127.0.0.1:70000
              body_limit: 0
              max_headers: 0
              shutdown_grace: 1h
            storage:
              fsync: interval
              fsync_interval: 11s
              segment_size: 1KiB
            """)
        #expect(d.errors == [
            "gw.yaml:2:11: server key 'listen' must be host:port with a port from 0 to 65535, e.g. 127.0.0.1:8080 or [::1]:8080",
            "gw.yaml:3:15: server: 'body_limit' must be between 1 and 1GiB",
            "gw.yaml:4:16: server: 'max_headers' must be between 1 and 10000",
            "gw.yaml:5:19: server: 'shutdown_grace' must be between 0ms and 10m",
            "gw.yaml:8:19: storage: 'fsync_interval' must be between 1ms and 10s",
            "gw.yaml:9:17: storage: 'segment_size' must be between 64KiB and 4GiB",
        ])
    }

    @Test func wrongChoiceSuggestsTheNearestWord() throws {
        let d = try decodeConfig("storage:\n  fsync: allways\nlog:\n  format: jsno\n")
        #expect(d.errors == [
            "gw.yaml:2:10: storage: 'fsync' must be one of always, interval, never (did you mean 'always'?)",
            "gw.yaml:4:11: log: 'format' must be one of json, text (did you mean 'json'?)",
        ])
    }

    @Test func sectionOfTheWrongKindIsReported() throws {
        let d = try decodeConfig("server: 8080\nsources: {name: x}\n")
        #expect(d.errors == [
            "gw.yaml:1:9: server must be a mapping, found a scalar",
            "gw.yaml:2:10: 'sources' must be a list (entries start with '- '), found a mapping",
        ])
    }

    @Test func misspeltKeyWrongTypeAndMissingSecretFileAreReportedTogetherByOneLoad() throws {
        let path = try temporaryFile("""
            server:
              listne: 127.0.0.1:9000
            storage:
              retention: forever
            sources:
              - name: recall
                provider: recall
                secret: ${file:/nonexistent/recall-secret}
            """, name: "gateway.yaml")
        #expect(throws: ConfigErrors.self) { try GatewayConfiguration.load(path: path, resolver: .process) }
        do {
            _ = try GatewayConfiguration.load(path: path, resolver: .process)
        } catch {
            #expect(error.errors.map(\.description) == [
                "\(path):2:3: unknown key 'listne' in server (did you mean 'listen'?)",
                "\(path):4:14: storage key 'retention' must be a duration such as 500ms, 5s, 30m, 72h or 7d",
                "\(path):8:13: source 'recall' key 'secret': cannot read secret file /nonexistent/recall-secret",
            ])
        }
    }

    @Test func threeDifferentMistakesGiveThreeErrorsInFileOrder() throws {
        let path = try temporaryFile("""
            server:
              listen: 127.0.0.1:8080
              max_connections: many
            sources:
              - name: recall
                provider: recall
                secret: ${file:/nonexistent/recall-secret}
            sinks:
              - name: ops
                type: http
                retires: 3
            """, name: "gateway.yaml")
        do {
            let (config, _) = try GatewayConfiguration.load(path: path, resolver: resolver())
            Issue.record("loaded with errors: \(config.sources.count) sources")
        } catch {
            // The sink's unknown key is left to its plugin, so the load reports the other two; a
            // runtime that builds sinks with the same diagnostics reports all three at once.
            #expect(error.errors.map(\.description) == [
                "\(path):3:20: server key 'max_connections' must be an integer",
                "\(path):7:13: source 'recall' key 'secret': cannot read secret file /nonexistent/recall-secret",
            ])
        }

        let node = try YAMLLoader.load(path: path)
        let diagnostics = ConfigDiagnostics(secretResolver: resolver())
        let config = GatewayConfiguration.decode(node, diagnostics: diagnostics)
        var sinkReader = try #require(config.sinks.first).reader(diagnostics: diagnostics)
        _ = sinkReader.optional("url", as: String.self)
        sinkReader.finish()
        #expect(throws: ConfigErrors.self) { try diagnostics.throwIfAny() }
        do {
            try diagnostics.throwIfAny()
        } catch {
            #expect(error.errors.map(\.description) == [
                "\(path):3:20: server key 'max_connections' must be an integer",
                "\(path):7:13: source 'recall' key 'secret': cannot read secret file /nonexistent/recall-secret",
                "\(path):11:5: unknown key 'retires' in sink 'ops' (did you mean 'retry'?)",
            ])
        }
    }

    @Test func yamlErrorsAndDecodingErrorsComeFromOneLoadCall() throws {
        let path = try temporaryFile("server:\n  listen: a\n  listen: b\n", name: "gateway.yaml")
        #expect(throws: ConfigErrors.self) { try GatewayConfiguration.load(path: path, resolver: resolver()) }
        do {
            _ = try GatewayConfiguration.load(path: path, resolver: resolver())
        } catch {
            #expect(error.description == "\(path):3:3: duplicate key 'listen' (first defined at 2:3)")
        }
    }
}
