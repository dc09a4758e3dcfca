// `webhook-gateway check`: validate gateway.yaml, every provider file and every sink, run every
// provider's fixtures, and print what would run. Exit 78 listing every error. Never a secret value.

import GatewayConfig
import GatewayCore
import GatewayProviders

extension CLI {
    static let configOption = OptionSpec(
        name: "config", valueName: "FILE", help: "configuration file (default: ./gateway.yaml, else the built-in default)")

    static var configCommands: [Command] {
        [Command(
            spec: CommandSpec(
                name: "check", summary: "validate the configuration and providers, run the fixtures, print what would run",
                options: [configOption],
                details: "Exit status: 0 valid, 78 configuration errors (all of them are listed with file:line:column)."),
            run: { args, env in check(args, env) })]
    }

    /// `--config`, else ./gateway.yaml, else the configuration compiled into the binary (the
    /// repository's gateway.yaml and provider files), so the binary runs anywhere.
    static func configPath(_ args: ParsedArguments, _ env: CLIEnvironment) -> String {
        guard let path = args.value("config") else {
            let local = env.workingDirectory + "/gateway.yaml"
            return FileStream.exists(local) ? local : EmbeddedDefaults.configName
        }
        return path.hasPrefix("/") ? path : env.workingDirectory + "/" + path
    }

    /// Loads the setup or prints every error and returns nil.
    static func loadSetup(_ args: ParsedArguments, _ env: CLIEnvironment) -> GatewaySetup? {
        do {
            return try GatewaySetup.load(configPath: configPath(args, env), secrets: env.secrets, workingDirectory: env.workingDirectory)
        } catch {
            for e in error.errors { env.output.err("error: \(e)\n") }
            env.output.err("\(error.errors.count) configuration error\(error.errors.count == 1 ? "" : "s")\n")
            return nil
        }
    }

    static func check(_ args: ParsedArguments, _ env: CLIEnvironment) -> ExitCode {
        guard let setup = loadSetup(args, env) else { return .config }
        let out = env.output.out
        for w in setup.warnings { env.output.err("warning: \(w)\n") }
        let c = setup.configuration
        out("configuration \(setup.configPath) is valid\n\n")
        out("listen     http\(c.server.tls == nil ? "" : "s")://\(c.server.listen)  (\(c.server.eventLoops) event loop\(c.server.eventLoops == 1 ? "" : "s"))\n")
        out("storage    \(c.storage.path)  fsync=\(c.storage.fsync)  dedupe_window=\(c.storage.dedupeWindow)  retention=\(c.storage.retention)\n")
        out("admin      \(c.admin.enabledToken == nil ? "off (no token)" : "http://\(c.admin.listen)")\n")
        out("\nsources\n")
        for s in setup.graph.sources {
            let state: String
            if !s.verifies { state = "verification OFF" }
            else if s.secrets.isEmpty { state = "answers 503 until \(s.unsetVariables.joined(separator: " or ")) is set" }
            else { state = "\(s.secrets.count) secret\(s.secrets.count == 1 ? "" : "s") (\(s.secrets.map(\.origin).joined(separator: ", ")))" }
            out("  \(s.name.padding(to: 16))POST \(s.path.padding(to: 26))provider \(s.provider.id.padding(to: 16))\(state)\n")
        }
        out("\nproviders\n")
        var failed = 0
        for p in setup.providers.all {
            let results = FixtureRunner.run(p)
            let bad = results.filter { !$0.passed }
            failed += bad.count
            out("  \(p.id.padding(to: 16))\(p.file)  fixtures \(results.count - bad.count)/\(results.count) passed\n")
            for r in bad { env.output.err("error: \(r.location): fixture '\(r.name)' failed: \(r.message)\n") }
        }
        out("\nsinks\n")
        for s in setup.sinks {
            out("  \(s.envelope.name.padding(to: 16))\(s.envelope.type.padding(to: 8))\(s.summary)\n")
        }
        if failed > 0 {
            env.output.err("\(failed) fixture\(failed == 1 ? "" : "s") failed\n")
            return .config
        }
        return .success
    }
}
