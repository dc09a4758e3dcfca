// The mapping engine's pieces, each compiled from YAML exactly as a provider file would write it:
// expressions (path, const, header, coalesce, join, concat, map), time conversion, type rules,
// each, and the strict decoding errors an author sees.

import Testing
import GatewayCore
import GatewayConfig
@testable import GatewayProviders

@Suite struct MappingEngineTests {
    let doc = try! JSONDocument(parsing: Array(#"""
        {"event":"x","data":{"id":7,"name":null,"words":[{"w":"Hi","s":1.5},{"w":"there","s":2}],
         "speaker":"Al","status":{"code":"in_call_recording"},"flag":true,"obj":{"k":[1,2]}}}
        """#.utf8))

    func expr(_ yaml: String) throws -> MappingExpression {
        let node = try YAMLLoader.load(text: yaml, file: "test.yaml")
        let d = ConfigDiagnostics()
        let e = MappingExpression.decode(node, context: "expr", diagnostics: d)
        if d.hasErrors { throw ConfigErrors(d.errors) }
        return try #require(e)
    }

    func eval(_ yaml: String, headers: HeaderFields = HeaderFields()) throws -> JSONValue? {
        try expr(yaml).evaluate(.init(document: doc, headers: headers))
    }

    func errors(_ yaml: String) throws -> [String] {
        let node = try YAMLLoader.load(text: yaml, file: "test.yaml")
        let d = ConfigDiagnostics()
        _ = MappingExpression.decode(node, context: "expr", diagnostics: d)
        return d.errors.map(\.description)
    }

    @Test func aScalarIsAPathAndNumbersComeBackAsLiterals() throws {
        #expect(try eval("data.id") == .number("7"))
        #expect(try eval("data.words[1].w") == .string("there"))
        #expect(try eval("data.obj") == (try JSON.parse(#"{"k":[1,2]}"#)))
    }

    @Test func nullAndMissingAreBothAbsent() throws {
        #expect(try eval("data.name") == nil)
        #expect(try eval("data.nope") == nil)
    }

    @Test func coalesceTakesTheFirstPresentValue() throws {
        #expect(try eval("[data.name, data.nope, data.speaker]") == .string("Al"))
        #expect(try eval("{coalesce: [data.nope, {const: fallback}]}") == .string("fallback"))
        #expect(try eval("[data.nope]") == nil)
        // Paths on either side of another operand stay on their side of it.
        #expect(try eval("[data.nope, {const: first}, data.speaker]") == .string("first"))
        #expect(try eval("[data.name, data.speaker, {const: last}]") == .string("Al"))
    }

    @Test func constKeepsYAMLTypes() throws {
        #expect(try eval("{const: true}") == .bool(true))
        #expect(try eval("{const: 12}") == .number("12"))
        #expect(try eval("{const: '12'}") == .string("12"))
        #expect(try eval("{const: {a: [1, x]}}") == (try JSON.parse(#"{"a":[1,"x"]}"#)))
    }

    @Test func headerReadsTheFirstPresentHeaderCaseInsensitively() throws {
        let h = HeaderFields([("Webhook-Id", "msg_1")])
        #expect(try eval("{header: [svix-id, Webhook-ID]}", headers: h) == .string("msg_1"))
        #expect(try eval("{header: svix-id}", headers: h) == nil)
    }

    @Test func joinConcatenatesElementValuesSkippingMissingOnes() throws {
        #expect(try eval("{join: data.words, value: w}") == .string("Hi there"))
        #expect(try eval("{join: data.words, value: s, separator: '|'}") == .string("1.5|2"))
        #expect(try eval("{join: data.words, value: nope}") == nil)
        #expect(try eval("{join: data.speaker}") == .string("Al"))
        // Elements that are computed values rather than places in the body walk the same way.
        #expect(try eval(#"{join: {const: [{"w": "a"}, {"w": "b"}, 3]}, value: w, separator: "+"}"#) == .string("a+b"))
    }

    @Test func concatNeedsEveryPart() throws {
        #expect(try eval("{concat: [data.speaker, {const: ': '}, {join: data.words, value: w}]}") == .string("Al: Hi there"))
        #expect(try eval("{concat: [data.nope, {const: ': '}]}") == nil)
    }

    @Test func mapTranslatesValuesWithAnOptionalDefault() throws {
        #expect(try eval("{path: data.status.code, map: {in_call_recording: rec}}") == .string("rec"))
        #expect(try eval("{path: data.flag, map: {'true': host}}") == .string("host"))
        #expect(try eval("{path: data.speaker, map: {x: y}}") == .string("Al"))
        #expect(try eval("{path: data.speaker, map: {x: y}, default: other}") == .string("other"))
        #expect(try eval("{path: data.speaker, map: {x: y}, default: null}") == nil)
        #expect(try eval("{path: data.nope, default: d}") == .string("d"))
    }

    @Test func malformedExpressionsAreReportedWithTheirLocation() throws {
        #expect(try errors("{path: a, const: 1}").first?.contains("exactly one of") == true)
        #expect(try errors("{}").first?.contains("exactly one of") == true)
        #expect(try errors("a..b").first?.hasPrefix("test.yaml:1:1: expr: invalid JSON path 'a..b'") == true)
        #expect(try errors("{path: a, sepparator: x}").contains { $0.contains("unknown key 'sepparator'") })
        #expect(try errors("{path: a, value: x}").contains { $0.contains("'value' only applies to 'join'") })
        #expect(try errors("{coalesce: a}").contains { $0.contains("takes a list") })
    }

    // MARK: time

    @Test func parsesLenientISO8601IntoUTC() throws {
        func t(_ s: String) -> String? { TimeConversion.parseISO8601(s).map(TimeConversion.rfc3339) }
        #expect(t("2024-11-15T21:12:01.000000Z") == "2024-11-15T21:12:01Z")
        #expect(t("2026-02-09T08:58:13.406739+00:00") == "2026-02-09T08:58:13.406739Z")
        #expect(t("2026-02-09T10:58:13.4+0200") == "2026-02-09T08:58:13.400Z")
        #expect(t("2026-02-09T08:58:13") == "2026-02-09T08:58:13Z")
        #expect(t("2026-02-09T03:58:13.123456789-05:00") == "2026-02-09T08:58:13.123456789Z")
        #expect(t("2026-02-09 08:58:13Z") == "2026-02-09T08:58:13Z")
        #expect(t("2024-02-29T00:00:00Z") == "2024-02-29T00:00:00Z")
        #expect(t("1969-12-31T23:59:59.5Z") == "1969-12-31T23:59:59.500Z")
        // More than nine fraction digits: the extra ones are dropped, never a crash.
        #expect(t("2026-02-09T08:58:13.123456789012Z") == "2026-02-09T08:58:13.123456789Z")
        // Outside 1677–2262 a 64-bit nanosecond count cannot hold the time: no value, no trap.
        #expect(t("9999-12-31T23:59:59Z") == nil)
        #expect(t("0001-01-01T00:00:00Z") == nil)
        for bad in ["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-11-15", "2024-11-15T25:00:00Z",
                    "2024-11-15T21:12:01.Z", "2024-11-15T21:12:01ZZ", "2024-11-15T21:12:01+2", "yesterday"] {
            #expect(t(bad) == nil, "\(bad)")
        }
    }

    @Test func timeParsingSurvivesArbitraryText() {
        // Vendor text reaches this parser unfiltered: any input gives a time or nil, never a trap.
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789-+:.,TtZz ".utf8)
        let base = Array("2026-02-09T08:58:13.406739+00:00".utf8)
        for _ in 0..<20_000 {
            var b = base
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b[i] = alphabet.randomElement(using: &rng)!
                case 1: b.insert(alphabet.randomElement(using: &rng)!, at: i)
                default: if b.count > 1 { b.remove(at: i) }
                }
            }
            _ = TimeConversion.parseISO8601(String(decoding: b, as: UTF8.self))
        }
    }

    @Test func convertsEpochNumbersByUnit() {
        #expect(TimeConversion.timestamp(from: .number("1714608475945"), format: .epochMilliseconds) == Timestamp(milliseconds: 1714608475945))
        #expect(TimeConversion.timestamp(from: .number("1714608475"), format: .epochSeconds) == Timestamp(seconds: 1714608475))
        #expect(TimeConversion.timestamp(from: .number("1714608475.25"), format: .epochSeconds) == Timestamp(nanoseconds: 1714608475_250_000_000))
        #expect(TimeConversion.timestamp(from: .string("1714608475945"), format: .epochMilliseconds) == Timestamp(milliseconds: 1714608475945))
        // auto: large numbers are milliseconds, small ones seconds.
        #expect(TimeConversion.timestamp(from: .number("1714608475945"), format: .auto) == Timestamp(milliseconds: 1714608475945))
        #expect(TimeConversion.timestamp(from: .number("1714608475"), format: .auto) == Timestamp(seconds: 1714608475))
        #expect(TimeConversion.timestamp(from: .string("2024-05-02T00:07:55Z"), format: .epochMilliseconds) == nil)
        #expect(TimeConversion.timestamp(from: .number("1e400"), format: .epochSeconds) == nil)
        #expect(TimeConversion.timestamp(from: .number("9223372036854775807"), format: .epochMilliseconds) == nil)
        #expect(TimeConversion.timestamp(from: .number("9223372036.9"), format: .epochSeconds) == nil)
        #expect(TimeConversion.timestamp(from: .string("-1.5"), format: .epochSeconds) == Timestamp(nanoseconds: -1_500_000_000))
        #expect(TimeConversion.timestamp(from: .bool(true), format: .auto) == nil)
    }

    // MARK: whole mappings

    func normalizer(_ yaml: String) throws -> (MappingNormalizer, ConfigDiagnostics) {
        let node = try YAMLLoader.load(text: yaml, file: "m.yaml")
        let d = ConfigDiagnostics()
        return (MappingNormalizer.decode(node, provider: "p", context: "mapping", diagnostics: d), d)
    }

    func run(_ n: MappingNormalizer, _ body: String) throws -> MeetingEvent {
        let wh = InboundWebhook(path: "/", headers: HeaderFields(), body: Array(body.utf8), receivedAt: Timestamp(seconds: 1))
        return try n.normalize(try JSONDocument(parsing: Array(body.utf8)), webhook: wh, source: "s")
    }

    @Test func typeRulesComeFromTheEventNameOrAStatusField() throws {
        let (n, d) = try normalizer("""
            fields: {session.id: id}
            events:
              a.done: session.completed
              status:
                type: {path: code, map: {rec: session.recording}, default: provider.unknown}
              cal.*: {type: calendar.updated, session_kind: calendar}
            """)
        #expect(!d.hasErrors)
        #expect(try run(n, #"{"event":"a.done","id":"s1"}"#).type.rawValue == "session.completed")
        #expect(try run(n, #"{"event":"status","code":"rec"}"#).type.rawValue == "session.recording")
        #expect(try run(n, #"{"event":"status","code":"new"}"#).type == .unknown)
        let cal = try run(n, #"{"event":"cal.synced","id":"c1"}"#)
        #expect(cal.type.rawValue == "calendar.updated")
        #expect(cal.session == .init(id: "c1", kind: .calendar))
        let unknown = try run(n, #"{"event":"never.heard","id":"s1"}"#)
        #expect(unknown.type == .unknown)
        #expect(unknown.providerEvent == "never.heard")
        #expect(unknown.session?.id == "s1")
        #expect(try run(n, "[1,2]").type == .unknown)
    }

    @Test func eachBuildsOneElementPerItemAndTreatsAnObjectAsOne() throws {
        let (n, d) = try normalizer("""
            fields:
              participants: {each: people, fields: {id: id, name: $}}
              transcript.segments: {each: utt, fields: {speaker: who, start: {coalesce: [t, "w[0].s"]}, text: {join: w, value: x}}}
            """)
        #expect(d.errors.isEmpty, "\(d.errors)")
        let e = try run(n, #"{"people":["Ann","Bo"],"utt":{"who":"Ann","w":[{"x":"a","s":0.5},{"x":"b"}]}}"#)
        #expect(e.participants == [.init(name: "Ann"), .init(name: "Bo")])
        #expect(e.transcript?.segments == [.init(speaker: "Ann", start: 0.5, end: nil, text: "a b")])
    }

    @Test func occurredAtReadsTheFirstPresentTimeWhetherPlainEscapedOrANumber() throws {
        let (n, d) = try normalizer("""
            fields: {occurred_at: [a, b, c]}
            """)
        #expect(d.errors.isEmpty, "\(d.errors)")
        func time(_ body: String) throws -> String? { try run(n, body).occurredAt.map(TimeConversion.rfc3339) }
        #expect(try time(#"{"a":null,"b":"2026-11-26T23:56:34.5+01:00"}"#) == "2026-11-26T22:56:34.500Z")
        #expect(try time(#"{"b":"2026-11-26T23:56:34\u002E5Z"}"#) == "2026-11-26T23:56:34.500Z")
        #expect(try time(#"{"c":1764201394}"#) == "2025-11-26T23:56:34Z")
        #expect(try time(#"{"a":"not a time","b":"2026-11-26T23:56:34Z"}"#) == nil)
    }

    @Test func eventFieldsOverrideCommonOnes() throws {
        let (n, _) = try normalizer("""
            fields: {session.id: a, status.code: c}
            events:
              e: {type: session.ended, fields: {session.id: b}}
            """)
        let ev = try run(n, #"{"event":"e","a":"A","b":"B","c":"C"}"#)
        #expect(ev.session?.id == "B")
        #expect(ev.status?.code == "C")
    }

    @Test func authoringMistakesAreReportedWithSuggestions() throws {
        let (_, d) = try normalizer("""
            fields:
              sesion.id: a
              participants: {each: p, fields: {nam: n}}
              occurred_at: {path: t, time: epoch_millis}
            events:
              e: session.complete
              f: {type: {path: x, map: {y: not.a.type}}}
              g: {fields: {}}
            """)
        let text = d.errors.map(\.description)
        #expect(text.contains { $0.hasPrefix("m.yaml:2:3: unknown field 'sesion.id'") && $0.contains("did you mean 'session.id'") })
        #expect(text.contains { $0.contains("unknown field 'nam'") && $0.contains("did you mean 'name'") })
        #expect(text.contains { $0.contains("'time' must be one of") && $0.contains("epoch_ms") })
        #expect(text.contains { $0.contains("'session.complete' is not an event type") && $0.contains("did you mean 'session.completed'") })
        #expect(text.contains { $0.contains("'not.a.type' is not an event type") })
        #expect(text.contains { $0.contains("event 'g': missing required key 'type'") })
        #expect(text.count == 6, "\(text)")
    }
}
