import GatewayCore
import Testing

@Suite struct ConfigReaderTests {
    let file = SourceLocation(file: "gateway.yaml", line: 3, column: 1)

    func node(_ pairs: [(String, String, Int)]) -> ConfigNode {
        ConfigNode(.mapping(pairs.map { k, v, line in
            (ConfigNode(.scalar(k, quoted: false), at: SourceLocation(file: "gateway.yaml", line: line, column: 3)),
             ConfigNode(.scalar(v, quoted: false), at: SourceLocation(file: "gateway.yaml", line: line, column: 10)))
        }), at: file)
    }

    @Test func reportsUnknownKeyWithSuggestionAndLocation() {
        let d = ConfigDiagnostics()
        var r = ConfigReader(node([("url", "http://x", 4), ("retires", "3", 5)]), context: "sink 'ops'", diagnostics: d)
        _ = r.required("url", as: String.self)
        _ = r.node("retry")
        r.finish()
        #expect(d.errors.map(\.description) == ["gateway.yaml:5:3: unknown key 'retires' in sink 'ops' (did you mean 'retry'?)"])
    }

    @Test func reportsMissingRequiredKeyAtTheMapping() {
        let d = ConfigDiagnostics()
        var r = ConfigReader(node([]), context: "source 'recall'", diagnostics: d)
        #expect(r.required("provider", as: String.self) == nil)
        #expect(d.errors.first?.description == "gateway.yaml:3:1: source 'recall': missing required key 'provider'")
    }

    @Test func reportsWrongTypeWithoutEchoingTheValue() {
        let d = ConfigDiagnostics()
        var r = ConfigReader(node([("port", "eighty", 7)]), context: "server", diagnostics: d)
        #expect(r.optional("port", default: 80) == 80)
        #expect(d.errors.count == 1)
        #expect(d.errors[0].location.line == 7)
        #expect(!d.errors[0].message.contains("eighty"))
    }

    @Test func reportsOutOfRangeValues() {
        let d = ConfigDiagnostics()
        var r = ConfigReader(node([("event_loops", "0", 2)]), context: "server", diagnostics: d)
        _ = r.optional("event_loops", default: 1, in: 1...64)
        #expect(d.errors.first?.message == "server: 'event_loops' must be between 1 and 64")
    }

    @Test func collectsEveryErrorBeforeThrowing() {
        let d = ConfigDiagnostics()
        var r = ConfigReader(node([("a", "x", 1), ("b", "y", 2), ("fsync", "alwys", 3)]), context: "storage", diagnostics: d)
        _ = r.choice("fsync", of: ["always", "interval", "never"], default: "always")
        r.finish()
        #expect(d.errors.count == 3)
        #expect(d.errors.contains { $0.message.contains("did you mean 'always'") })
        #expect(throws: ConfigErrors.self) { try d.throwIfAny() }
    }

    @Test func parsesDurationsAndSizes() {
        #expect(ConfigDuration.parse("250ms")?.seconds == 0.25)
        #expect(ConfigDuration.parse("72h")?.seconds == 259_200)
        #expect(ConfigDuration.parse("7d")?.description == "7d")
        #expect(ConfigDuration.parse("-1s") == nil)
        #expect(ConfigByteSize.parse("10MiB")?.bytes == 10 << 20)
        #expect(ConfigByteSize.parse("64KiB")?.description == "64KiB")
        #expect(ConfigByteSize.parse("9999999999999GiB") == nil)
        #expect(ConfigByteSize.parse("lots") == nil)
    }

    @Test func editDistanceCountsATranspositionAsOneEdit() {
        #expect(ConfigReader.suggestion(for: "retires", in: ["retry", "url"]) == " (did you mean 'retry'?)")
        #expect(ConfigReader.suggestion(for: "sinks", in: ["providers_dir"]) == "")
    }
}

@Suite struct SecretTests {
    let resolver = SecretResolver(
        environment: { $0 == "SET" ? "hunter2-secret" : nil },
        readFile: { $0 == "/run/s" ? Array("filesecret\n".utf8) : nil })
    let at = SourceLocation(file: "g.yaml", line: 1, column: 1)

    @Test func resolvesEnvironmentAndFileReferences() {
        let d = ConfigDiagnostics(secretResolver: resolver)
        #expect(resolver.resolve("${env:SET}", context: "c", at: at, diagnostics: d) == .present(Secret("hunter2-secret", origin: "env:SET")))
        #expect(resolver.resolve("${file:/run/s}", context: "c", at: at, diagnostics: d) == .present(Secret("filesecret", origin: "file:/run/s")))
        #expect(resolver.resolve("${env:UNSET}", context: "c", at: at, diagnostics: d) == .unsetVariable("UNSET"))
        #expect(d.errors.isEmpty)
    }

    @Test func missingFileIsAnErrorThatNamesThePathOnly() {
        let d = ConfigDiagnostics(secretResolver: resolver)
        #expect(resolver.resolve("${file:/nope}", context: "source 'x' secret", at: at, diagnostics: d) == nil)
        #expect(d.errors.first?.description == "g.yaml:1:1: source 'x' secret: cannot read secret file /nope")
    }

    @Test func secretNeverPrintsItsValue() {
        let s = Secret("hunter2-secret", origin: "env:SET")
        #expect(!"\(s)".contains("hunter2"))
        #expect(!String(reflecting: s).contains("hunter2"))
    }

    @Test func rejectsMalformedReferences() {
        let d = ConfigDiagnostics(secretResolver: resolver)
        #expect(resolver.resolve("${vault:x}", context: "c", at: at, diagnostics: d) == nil)
        #expect(resolver.resolve("abc${env:X", context: "c", at: at, diagnostics: d) == nil)
        #expect(d.errors.count == 2)
    }
}
