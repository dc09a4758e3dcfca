// `sinks[].filter`: which events a sink receives. Each axis takes one pattern or a list; `*`
// matches any run of characters. An empty axis accepts everything. Patterns are checked against
// what can exist (the event type vocabulary, the configured sources) so a typo is an error rather
// than a sink that silently receives nothing.

import GatewayCore

extension SinkEnvelope {
    public struct Filter: Sendable, Equatable {
        /// `providers`: provider id patterns (`recall`, `meetingbaas*`).
        public var providers: [String] = []
        /// `sources`: source name patterns; each must match a configured source.
        public var sources: [String] = []
        /// `types`: event type patterns (`session.*`, `transcript.ready`); each must match a type.
        public var types: [String] = []
        /// `sessions`: session id patterns.
        public var sessions: [String] = []

        public init(providers: [String] = [], sources: [String] = [], types: [String] = [], sessions: [String] = []) {
            self.providers = providers
            self.sources = sources
            self.types = types
            self.sessions = sessions
        }

        public static let keys = ["providers", "sources", "types", "sessions"]

        static func decode(_ node: ConfigNode, context: String, sourceNames: [String], diagnostics: ConfigDiagnostics) -> Filter {
            var r = ConfigReader(node, context: context, diagnostics: diagnostics)
            var f = Filter()
            f.providers = r.locatedStrings("providers").map(\.text)
            f.sessions = r.locatedStrings("sessions").map(\.text)

            let families = Set(EventType.vocabulary.compactMap { $0.split(separator: ".").first.map { "\($0).*" } })
            for (pattern, location) in r.locatedStrings("types") {
                if EventType.vocabulary.contains(where: { globMatches(pattern, $0) }) {
                    f.types.append(pattern)
                } else {
                    let hint = ConfigReader.suggestion(for: pattern, in: EventType.vocabulary + families.sorted())
                    diagnostics.error("\(context): type '\(pattern)' matches no event type\(hint)", at: location)
                }
            }
            for (pattern, location) in r.locatedStrings("sources") {
                if sourceNames.contains(where: { globMatches(pattern, $0) }) {
                    f.sources.append(pattern)
                } else {
                    let hint = ConfigReader.suggestion(for: pattern, in: sourceNames)
                    diagnostics.error("\(context): source '\(pattern)' matches no configured source\(hint)", at: location)
                }
            }
            r.finish()
            return f
        }
    }
}

/// `*` matches any run of characters (including none); everything else matches itself.
func globMatches(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern.utf8), t = Array(text.utf8)
    var pi = 0, ti = 0
    var star = -1, mark = 0
    while ti < t.count {
        if pi < p.count, p[pi] == UInt8(ascii: "*") {
            star = pi
            mark = ti
            pi += 1
        } else if pi < p.count, p[pi] == t[ti] {
            pi += 1
            ti += 1
        } else if star >= 0 {
            pi = star + 1
            mark += 1
            ti = mark
        } else {
            return false
        }
    }
    while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
    return pi == p.count
}
