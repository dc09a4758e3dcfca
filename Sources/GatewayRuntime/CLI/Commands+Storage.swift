// `replay` and `dead-letters list|retry|drop` on a stopped gateway's storage. A running gateway
// holds the storage lock; then these say to use the admin API instead.

import GatewayConfig
import GatewayCore
import GatewayDelivery
import GatewayProviders
import GatewayStore

extension CLI {
    static let sinkOption = OptionSpec(name: "sink", valueName: "NAME", help: "the sink (required)")
    static let idOption = OptionSpec(name: "id", valueName: "N", help: "only this dead letter (repeatable; default: all)", repeatable: true)

    static var storageCommands: [Command] {
        [
            Command(
                spec: CommandSpec(
                    name: "replay", summary: "deliver journaled events to a sink again (gateway stopped)",
                    options: [
                        configOption, sinkOption,
                        OptionSpec(name: "from", valueName: "TIME", help: "received at or after (RFC 3339)"),
                        OptionSpec(name: "to", valueName: "TIME", help: "received before (RFC 3339)"),
                        OptionSpec(name: "type", valueName: "GLOB", help: "event type, e.g. session.* (repeatable)", repeatable: true),
                        OptionSpec(name: "session", valueName: "ID", help: "one session"),
                    ],
                    details: "Events the sink already passed are queued again; the next `serve` delivers them."),
                run: { args, env in replay(args, env) }),
            deadLetterCommand("list", "list a sink's dead letters"),
            deadLetterCommand("retry", "send dead letters back for delivery by the next `serve`"),
            deadLetterCommand("drop", "delete dead letters"),
        ]
    }

    private static func deadLetterCommand(_ verb: String, _ summary: String) -> Command {
        Command(
            spec: CommandSpec(name: "dead-letters \(verb)", summary: summary,
                              options: verb == "list" ? [configOption, sinkOption] : [configOption, sinkOption, idOption]),
            run: { args, env in deadLetters(verb, args, env) })
    }

    /// The storage path and the sink's configured filter from the configuration file.
    private static func storage(_ args: ParsedArguments, _ env: CLIEnvironment) -> (path: String, sink: String, filter: EventFilter)? {
        guard let sink = args.value("sink") else {
            env.output.err("webhook-gateway: --sink NAME is required\n")
            return nil
        }
        let diagnostics = ConfigDiagnostics(secretResolver: env.secrets)
        guard let c = try? GatewaySetup.decodeConfiguration(configPath(args, env), diagnostics: diagnostics, workingDirectory: env.workingDirectory) else {
            env.output.err("webhook-gateway: cannot read \(configPath(args, env))\n")
            return nil
        }
        let path = c.storage.path.hasPrefix("/") ? c.storage.path : env.workingDirectory + "/" + c.storage.path
        let f = c.sinks.first { $0.name == sink }?.filter
        let filter = f.map { EventFilter(providers: $0.providers, sources: $0.sources, types: $0.types, sessions: $0.sessions) } ?? .all
        return (path, sink, filter)
    }

    static func replay(_ args: ParsedArguments, _ env: CLIEnvironment) -> ExitCode {
        guard let s = storage(args, env) else { return .usage }
        var times: [Timestamp?] = []
        for name in ["from", "to"] {
            guard let text = args.value(name) else { times.append(nil); continue }
            guard let t = TimeConversion.parseISO8601(text) else {
                env.output.err("webhook-gateway replay: --\(name) must be an RFC 3339 time such as 2026-11-26T10:00:00Z\n")
                return .usage
            }
            times.append(t)
        }
        let filter = ReplayFilter(from: times[0], to: times[1], types: args.all("type"), session: args.value("session"))
        return storageCall(env) {
            let n = try OfflineDelivery.replay(storageDirectory: s.path, sink: s.sink, filter: filter, sinkFilter: s.filter)
            env.output.out("\(n) event\(n == 1 ? "" : "s") queued again for sink '\(s.sink)'; the next `serve` delivers them\n")
        }
    }

    static func deadLetters(_ verb: String, _ args: ParsedArguments, _ env: CLIEnvironment) -> ExitCode {
        guard let s = storage(args, env) else { return .usage }
        var ids: Set<UInt64>?
        if !args.all("id").isEmpty {
            var set = Set<UInt64>()
            for text in args.all("id") {
                guard let n = UInt64(text) else {
                    env.output.err("webhook-gateway dead-letters: --id takes a dead letter number from `dead-letters list`\n")
                    return .usage
                }
                set.insert(n)
            }
            ids = set
        }
        return storageCall(env) {
            let letters: [DeadLetter]
            switch verb {
            case "retry": letters = try OfflineDelivery.retryDeadLetters(storageDirectory: s.path, sink: s.sink, ids: ids)
            case "drop": letters = try OfflineDelivery.dropDeadLetters(storageDirectory: s.path, sink: s.sink, ids: ids)
            default: letters = try OfflineDelivery.deadLetters(storageDirectory: s.path, sink: s.sink)
            }
            if verb == "list" {
                env.output.out("ID    ATTEMPTS  LAST      TIME                      EVENT\n")
                for d in letters {
                    let last = d.lastStatus.map(String.init) ?? "-"
                    env.output.out("\(String(d.sequence).padding(to: 6))\(String(d.attempts).padding(to: 10))\(last.padding(to: 10))\(d.time.rfc3339().padding(to: 26))\(d.eventID)  \(d.lastError)\n")
                }
                env.output.out("\(letters.count) dead letter\(letters.count == 1 ? "" : "s") in sink '\(s.sink)'\n")
            } else {
                env.output.out("\(verb == "retry" ? "queued again" : "dropped"): \(letters.count) dead letter\(letters.count == 1 ? "" : "s") of sink '\(s.sink)'\n")
            }
        }
    }

    private static func storageCall(_ env: CLIEnvironment, _ body: () throws -> Void) -> ExitCode {
        do {
            try body()
            return .success
        } catch DeliveryError.storage(.locked(let path)) {
            env.output.err("webhook-gateway: a running gateway holds \(path); use the admin API (POST /admin/sinks/<name>/replay, /dead-letters/retry|drop) or stop it first\n")
            return .unavailable
        } catch DeliveryError.unknownSink(let name, let known) {
            env.output.err("webhook-gateway: no state for sink '\(name)' in this storage\(ConfigReader.suggestion(for: name, in: known)) (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))\n")
            return .usage
        } catch {
            env.output.err("webhook-gateway: \(error)\n")
            return .failure
        }
    }
}
