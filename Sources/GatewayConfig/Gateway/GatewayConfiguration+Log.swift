// `log:`: what the gateway writes to stderr.

public import GatewayCore

extension GatewayConfiguration {
    public struct Log: Sendable, Equatable {
        public enum Format: String, Sendable, Equatable {
            /// `json`: one JSON object per line, for log collectors.
            case json
            /// `text`: aligned human-readable lines.
            case text
        }

        /// `level` (`debug` | `info` | `warning` | `error`, default `info`).
        public var level = LogLevel.info
        /// `format` (`json` | `text`, default `json`).
        public var format = Format.json

        public init() {}

        public static let keys = ["level", "format"]

        static func decode(_ node: ConfigNode, diagnostics: ConfigDiagnostics) -> Log {
            var r = ConfigReader(node, context: "log", diagnostics: diagnostics)
            var l = Log()
            l.level = LogLevel(name: r.choice("level", of: LogLevel.allCases.map(\.name), default: "info")) ?? .info
            l.format = Format(rawValue: r.choice("format", of: ["json", "text"], default: "json")) ?? .json
            r.finish()
            return l
        }
    }
}
