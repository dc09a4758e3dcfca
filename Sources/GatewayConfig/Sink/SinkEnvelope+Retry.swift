// `sinks[].retry`: when a failed delivery is tried again and when it goes to the dead-letter log.
// Either a fixed `schedule` of delays or exponential backoff (`base`, `cap`, `max_age`), plus
// `jitter` and `on_4xx`. The dispatcher applies it; this is only what was configured.

public import GatewayCore

extension SinkEnvelope {
    public struct Retry: Sendable, Equatable {
        public enum Backoff: Sendable, Equatable {
            /// `schedule`: after the n-th failure wait the n-th delay; give up after the last one.
            case schedule([ConfigDuration])
            /// `base`, `cap`, `max_age`: wait min(cap, base·2^(n-1)); give up once the next attempt
            /// would come more than `max_age` after the first.
            case exponential(base: ConfigDuration, cap: ConfigDuration, maxAge: ConfigDuration)
        }

        /// What a 4xx answer (other than 410 and 429) means.
        public enum On4xx: String, Sendable, Equatable {
            /// `dead_letter` (default): the receiver rejected the event; retrying will not help.
            case deadLetter = "dead_letter"
            /// `retry`: treat it as transient.
            case retry
        }

        /// Close to Standard Webhooks' schedule: 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h
        /// after the immediate first attempt, ten attempts over about three days.
        public static let standardSchedule: [ConfigDuration] = [
            .s(5), .m(5), .m(30), .h(2), .h(5), .h(10), .h(14), .h(20), .h(24),
        ]

        /// Default: `standardSchedule`. Exponential defaults: base 5 s, cap 1 h, max_age 72 h.
        public var backoff: Backoff = .schedule(standardSchedule)
        /// `jitter` (0–1, default 0.2): each delay varies at random by ± this fraction.
        public var jitter = 0.2
        /// `on_4xx` (`dead_letter` | `retry`).
        public var on4xx = On4xx.deadLetter

        public init(backoff: Backoff = .schedule(standardSchedule), jitter: Double = 0.2, on4xx: On4xx = .deadLetter) {
            self.backoff = backoff
            self.jitter = jitter
            self.on4xx = on4xx
        }

        public static let keys = ["schedule", "base", "cap", "max_age", "jitter", "on_4xx"]

        static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> Retry {
            var r = ConfigReader(node, context: context, diagnostics: diagnostics)
            var retry = Retry()
            let scheduleNode = r.node("schedule").flatMap { $0.isNull ? nil : $0 }
            let exponentialKeys = ["base", "cap", "max_age"].filter { r.node($0).map { !$0.isNull } ?? false }
            if let scheduleNode {
                if let first = exponentialKeys.first, let n = r.node(first) {
                    diagnostics.error("\(context): use either 'schedule' or 'base'/'cap'/'max_age', not both", at: n.location)
                }
                if let delays = decodeSchedule(scheduleNode, context: context, diagnostics: diagnostics) {
                    retry.backoff = .schedule(delays)
                }
            } else if !exponentialKeys.isEmpty {
                let base = r.optional("base", default: ConfigDuration.s(5), in: ConfigDuration.ms(1)...ConfigDuration.d(1))
                let cap = r.optional("cap", default: max(base, ConfigDuration.h(1)), in: ConfigDuration.ms(1)...ConfigDuration.d(7))
                let maxAge = r.optional("max_age", default: ConfigDuration.h(72), in: ConfigDuration.s(1)...ConfigDuration.d(365))
                if cap < base, let n = r.node("cap") {
                    diagnostics.error("\(context): 'cap' (\(cap)) must not be shorter than 'base' (\(base))", at: n.location)
                }
                retry.backoff = .exponential(base: base, cap: cap, maxAge: maxAge)
            }
            retry.jitter = r.optional("jitter", default: 0.2, in: 0.0...1.0)
            retry.on4xx = On4xx(rawValue: r.choice("on_4xx", of: ["dead_letter", "retry"], default: "dead_letter")) ?? .deadLetter
            r.finish()
            return retry
        }

        /// The delays of `schedule`, each checked where it is written; nil when any is wrong.
        private static func decodeSchedule(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> [ConfigDuration]? {
            let items: [ConfigNode]
            switch node.value {
            case .sequence(let list): items = list
            case .scalar: items = [node]
            default:
                diagnostics.error("\(context) key 'schedule' must be a list of durations, found \(node.kindDescription)", at: node.location)
                return nil
            }
            guard !items.isEmpty else {
                diagnostics.error("\(context): 'schedule' must list at least one delay", at: node.location)
                return nil
            }
            var delays: [ConfigDuration] = []
            for (i, item) in items.enumerated() {
                guard let delay = ConfigDuration.decode(item, context: "\(context) key 'schedule'[\(i)]", diagnostics: diagnostics) else { continue }
                if delay > .d(7) {
                    diagnostics.error("\(context): 'schedule' delay \(delay) is longer than 7d", at: item.location)
                    continue
                }
                delays.append(delay)
            }
            return delays.count == items.count ? delays : nil
        }
    }
}
