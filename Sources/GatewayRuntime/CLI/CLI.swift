// The `webhook-gateway` command line: a table of commands, each with its own options and help.
// `run` returns the process exit code instead of exiting, so tests drive it in-process.

public import GatewayCore

/// Exit codes follow sysexits.h where one fits.
public enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    case usage = 64
    case unavailable = 69
    case software = 70
    case config = 78
}

/// Where a command writes; tests capture both streams.
public struct CLIOutput: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    public static let standard = CLIOutput(
        out: { s in print(s, terminator: "") },
        err: { s in FileStream.standardError.write(s) })
}

public struct CLIEnvironment: Sendable {
    public var output: CLIOutput
    public var secrets: SecretResolver
    public var workingDirectory: String

    public init(output: CLIOutput = .standard, secrets: SecretResolver = .process, workingDirectory: String = FileStream.currentDirectory()) {
        self.output = output
        self.secrets = secrets
        self.workingDirectory = workingDirectory
    }
}

struct Command {
    var spec: CommandSpec
    var run: (ParsedArguments, CLIEnvironment) -> ExitCode
}

public enum CLI {
    public static let version = "0.1.0"

    static var commands: [Command] {
        [versionCommand] + configCommands + providerCommands + serveCommands + storageCommands
    }

    public static func run(_ arguments: [String], environment: CLIEnvironment = CLIEnvironment()) -> ExitCode {
        let out = environment.output
        guard let first = arguments.first, first != "--help", first != "-h", first != "help" else {
            out.out(overview())
            return arguments.isEmpty ? .usage : .success
        }
        // Commands may be two words ("providers test", "dead-letters list").
        let two = arguments.count >= 2 ? "\(arguments[0]) \(arguments[1])" : ""
        let match = commands.first { $0.spec.name == two } ?? commands.first { $0.spec.name == first }
        guard let command = match else {
            let names = Array(Set(commands.map { String($0.spec.name.split(separator: " ")[0]) }))
            let group = commands.filter { $0.spec.name.hasPrefix(first + " ") }
            if !group.isEmpty {
                out.err("webhook-gateway \(first): expected one of: \(group.map { String($0.spec.name.dropFirst(first.count + 1)) }.joined(separator: ", "))\n")
            } else {
                out.err("webhook-gateway: unknown command '\(first)'\(ConfigReader.suggestion(for: first, in: names))\nrun 'webhook-gateway --help' for the list of commands\n")
            }
            return .usage
        }
        let rest = Array(arguments.dropFirst(command.spec.name.split(separator: " ").count))
        do {
            let parsed = try ArgumentParser.parse(rest, for: command.spec)
            if parsed.helpRequested {
                out.out(command.spec.usage)
                return .success
            }
            return command.run(parsed, environment)
        } catch {
            out.err("\(error)\n")
            return .usage
        }
    }

    static func overview() -> String {
        var text = """
        webhook-gateway \(version): one signed-webhook endpoint in front of meeting and voice-AI vendors.

        usage: webhook-gateway <command> [options]

        commands:

        """
        for c in commands { text += "  " + c.spec.name.padding(to: 22) + c.spec.summary + "\n" }
        text += "\nrun 'webhook-gateway <command> --help' for a command's options\n"
        return text
    }

    static var versionCommand: Command { Command(
        spec: CommandSpec(name: "version", summary: "print the version"),
        run: { _, env in
            env.output.out("webhook-gateway \(version)\n")
            return .success
        }) }
}
