// `sinks:` entries: the envelope decoded here, the node kept for the plugin, and the plugin's
// reader that knows the envelope keys so unknown keys are reported once, with suggestions.

import GatewayConfig
import GatewayCore
import Testing

@Suite struct SinkEnvelopeTests {
    static let sources = """
        sources:
          - {name: recall, provider: recall, secret: x}
          - {name: retell, provider: retell, secret: y}
        """

    @Test func envelopeDefaults() throws {
        let d = try decodeConfig(Self.sources + "\nsinks:\n  - {name: out, type: stdout, format: text}\n")
        #expect(d.errors == [])
        let sink = try #require(d.configuration.sinks.first)
        #expect(sink.name == "out" && sink.type == "stdout")
        #expect(sink.filter == SinkEnvelope.Filter())
        #expect(sink.ordering == .perSession)
        #expect(sink.concurrency == 4)
        #expect(sink.retry.backoff == .schedule(SinkEnvelope.Retry.standardSchedule))
        #expect(sink.retry.jitter == 0.2)
        #expect(sink.retry.on4xx == .deadLetter)
        #expect(sink.node["format"]?.scalar == "text")
        #expect(sink.typeLocation.description == "gw.yaml:5:23")
        #expect(SinkEnvelope.Retry.standardSchedule.map(\.description) == ["5s", "5m", "30m", "2h", "5h", "10h", "14h", "20h", "1d"])
    }

    @Test func envelopeIsDecodedButPluginKeysAreNotReported() throws {
        let d = try decodeConfig(Self.sources + """

            sinks:
              - name: ops
                type: http
                url: https://example.com/hook
                timeout: 5s
                filter:
                  providers: recall
                  sources: [recall, ret*]
                  types: [session.*, transcript.ready]
                  sessions: bot-*
                ordering: none
                concurrency: 16
                retry:
                  base: 2s
                  cap: 10m
                  max_age: 24h
                  jitter: 0
                  on_4xx: retry
            """)
        #expect(d.errors == [])
        let sink = try #require(d.configuration.sinks.first)
        #expect(sink.filter == SinkEnvelope.Filter(providers: ["recall"], sources: ["recall", "ret*"], types: ["session.*", "transcript.ready"], sessions: ["bot-*"]))
        #expect(sink.ordering == SinkEnvelope.Ordering.none)
        #expect(sink.concurrency == 16)
        #expect(sink.retry == SinkEnvelope.Retry(backoff: .exponential(base: .init(seconds: 2), cap: .init(seconds: 600), maxAge: .init(seconds: 86400)), jitter: 0, on4xx: .retry))
    }

    @Test func pluginReaderReportsUnknownKeysWithSuggestionsFromBothSets() throws {
        let d = try decodeConfig(Self.sources + """

            sinks:
              - name: ops
                type: http
                url: https://example.com/hook
                retires: 3
                tiemout: 5s
            """)
        #expect(d.errors == [])
        let sink = try #require(d.configuration.sinks.first)
        let diagnostics = ConfigDiagnostics()
        var r = sink.reader(diagnostics: diagnostics)
        #expect(r.optional("url", as: String.self) == "https://example.com/hook")
        _ = r.optional("timeout", default: ConfigDuration(seconds: 10))
        r.finish()
        #expect(diagnostics.errors.map(\.description) == [
            "gw.yaml:8:5: unknown key 'retires' in sink 'ops' (did you mean 'retry'?)",
            "gw.yaml:9:5: unknown key 'tiemout' in sink 'ops' (did you mean 'timeout'?)",
        ])
    }

    @Test func pluginReaderDoesNotReportEnvelopeKeys() throws {
        let d = try decodeConfig(Self.sources + "\nsinks:\n  - {name: f, type: file, path: /tmp/x, ordering: none, concurrency: 2, filter: {types: call.*}, retry: {schedule: [1s]}}\n")
        let sink = try #require(d.configuration.sinks.first)
        let diagnostics = ConfigDiagnostics()
        var r = sink.reader(diagnostics: diagnostics)
        _ = r.required("path", as: String.self)
        r.finish()
        #expect(diagnostics.errors.isEmpty)
        #expect(sink.retry.backoff == .schedule([ConfigDuration(seconds: 1)]))
    }

    @Test func filterPatternsThatMatchNothingAreErrors() throws {
        let d = try decodeConfig(Self.sources + """

            sinks:
              - name: ops
                type: stdout
                filter:
                  types: [sesion.*, transcript.redy, call.*]
                  sources: [recal, nowhere-*]
                  colour: red
            """)
        #expect(d.errors == [
            "gw.yaml:8:15: sink 'ops' filter: type 'sesion.*' matches no event type (did you mean 'session.*'?)",
            "gw.yaml:8:25: sink 'ops' filter: type 'transcript.redy' matches no event type (did you mean 'transcript.ready'?)",
            "gw.yaml:9:17: sink 'ops' filter: source 'recal' matches no configured source (did you mean 'recall'?)",
            "gw.yaml:9:24: sink 'ops' filter: source 'nowhere-*' matches no configured source",
            "gw.yaml:10:7: unknown key 'colour' in sink 'ops' filter",
        ])
        #expect(d.configuration.sinks.first?.filter.types == ["call.*"])
    }

    @Test func retryMistakesAreReported() throws {
        let d = try decodeConfig("""
            sinks:
              - name: a
                type: http
                retry: {schedule: [1s, 5m], base: 1s}
              - name: b
                type: http
                retry: {base: 10s, cap: 1s, jitter: 1.5, on_4xx: ignore}
              - name: c
                type: http
                retry: {schedule: []}
              - name: d
                type: http
                retry: {schedule: [1s, 8d]}
            """)
        #expect(d.errors == [
            "gw.yaml:4:39: sink 'a' retry: use either 'schedule' or 'base'/'cap'/'max_age', not both",
            "gw.yaml:7:29: sink 'b' retry: 'cap' (1s) must not be shorter than 'base' (10s)",
            "gw.yaml:7:41: sink 'b' retry: 'jitter' must be between 0.0 and 1.0",
            "gw.yaml:7:54: sink 'b' retry: 'on_4xx' must be one of dead_letter, retry",
            "gw.yaml:10:23: sink 'c' retry: 'schedule' must list at least one delay",
            "gw.yaml:13:28: sink 'd' retry: 'schedule' delay 8d is longer than 7d",
        ])
    }

    @Test func badScheduleEntryIsReportedWhereItIsWritten() throws {
        let d = try decodeConfig("sinks:\n  - {name: a, type: http, retry: {schedule: [1s, soon, 5m]}}\n")
        #expect(d.errors == ["gw.yaml:2:50: sink 'a' retry key 'schedule'[1] must be a duration such as 500ms, 5s, 30m, 72h or 7d"])
        #expect(d.configuration.sinks.first?.retry.backoff == .schedule(SinkEnvelope.Retry.standardSchedule))
    }

    @Test func exponentialDefaultsFillMissingKeys() throws {
        let d = try decodeConfig("sinks:\n  - {name: a, type: http, retry: {max_age: 1h}}\n")
        #expect(d.configuration.sinks.first?.retry.backoff == .exponential(base: .init(seconds: 5), cap: .init(seconds: 3600), maxAge: .init(seconds: 3600)))
    }

    @Test func sinkNamesAndTypesAreChecked() throws {
        let d = try decodeConfig("""
            sinks:
              - {name: a, type: stdout}
              - {name: a, type: stdout}
              - {name: b, type: Web Hook}
              - {type: stdout}
              - {name: c, type: stdout, concurrency: 0, ordering: fifo}
            """)
        #expect(d.errors == [
            "gw.yaml:3:12: sink name 'a' is already used (at 2:12)",
            "gw.yaml:4:21: sink 'b': 'type' must use only lowercase letters, digits, '-' and '_' (at most 64)",
            "gw.yaml:5:5: sinks[3]: missing required key 'name'",
            "gw.yaml:6:42: sink 'c': 'concurrency' must be between 1 and 1024",
            "gw.yaml:6:55: sink 'c': 'ordering' must be one of per_session, none",
        ])
    }
}
