// Hand-written argument parsing for the CLI (no packages allowed). Each command declares its
// options; parsing is strict: an unknown option or a missing value is a usage error (exit 64)
// that names the option and points at `--help`.

import GatewayCore

struct OptionSpec {
    var name: String            // "config" for --config
    var valueName: String?      // nil: a flag without a value
    var help: String
    var repeatable = false
}

struct CommandSpec {
    var name: String            // "providers test"
    var summary: String
    var arguments: String = ""  // usage text for positionals, e.g. "<source> <event>"
    var options: [OptionSpec] = []
    var positionals: ClosedRange<Int> = 0...0
    var details: String = ""

    var usage: String {
        var text = "usage: webhook-gateway \(name)"
        if !options.isEmpty { text += " [options]" }
        if !arguments.isEmpty { text += " \(arguments)" }
        text += "\n\n\(summary)\n"
        if !details.isEmpty { text += "\n\(details)\n" }
        if !options.isEmpty {
            text += "\noptions:\n"
            for o in options {
                let left = "  --\(o.name)" + (o.valueName.map { " \($0)" } ?? "")
                text += left.padding(to: 28) + o.help + "\n"
            }
        }
        text += "  --help".padding(to: 28) + "show this help\n"
        return text
    }
}

struct ParsedArguments {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []
    var helpRequested = false

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    func flag(_ name: String) -> Bool { flags.contains(name) }
}

struct UsageError: Error, CustomStringConvertible {
    var message: String
    var command: String
    var description: String { "webhook-gateway \(command): \(message)\nrun 'webhook-gateway \(command) --help' for usage" }
}

enum ArgumentParser {
    static func parse(_ args: [String], for spec: CommandSpec) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                parsed.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            if arg == "--help" || arg == "-h" { parsed.helpRequested = true; continue }
            guard arg.hasPrefix("--") else {
                throw UsageError(message: "unknown option '\(arg)'", command: spec.name)
            }
            var name = String(arg.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                let names = spec.options.map(\.name) + ["help"]
                throw UsageError(message: "unknown option '--\(name)'\(suggestion(name, names))", command: spec.name)
            }
            if let valueName = option.valueName {
                let value: String
                if let inline { value = inline } else {
                    guard i < args.count else {
                        throw UsageError(message: "option '--\(name)' needs a value (\(valueName))", command: spec.name)
                    }
                    value = args[i]
                    i += 1
                }
                if !option.repeatable, parsed.values[name] != nil {
                    throw UsageError(message: "option '--\(name)' given twice", command: spec.name)
                }
                parsed.values[name, default: []].append(value)
            } else {
                if inline != nil { throw UsageError(message: "option '--\(name)' takes no value", command: spec.name) }
                parsed.flags.insert(name)
            }
        }
        if !parsed.helpRequested, !spec.positionals.contains(parsed.positionals.count) {
            let expected = spec.arguments.isEmpty ? "no arguments" : spec.arguments
            throw UsageError(message: "expected \(expected), got \(parsed.positionals.count) argument(s)", command: spec.name)
        }
        return parsed
    }

    private static func suggestion(_ name: String, _ names: [String]) -> String {
        let hint = ConfigReader.suggestion(for: name, in: names)
        guard let best = names.first(where: { hint == " (did you mean '\($0)'?)" }) else { return "" }
        return " (did you mean '--\(best)'?)"
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
