// `webhook-gateway providers test [FILE|DIR]`: run every golden fixture and print a table.

import GatewayConfig
import GatewayCore
import GatewayProviders

extension CLI {
    static var providerCommands: [Command] {
        [Command(
            spec: CommandSpec(
                name: "providers test", summary: "run every provider fixture and print a pass/fail table",
                arguments: "[FILE|DIR]", positionals: 0...1,
                details: "With no argument, tests the providers directory (default: providers/). Exit 1 when a fixture fails, 78 when a file is invalid."),
            run: { args, env in providersTest(args, env) })]
    }

    static func providersTest(_ args: ParsedArguments, _ env: CLIEnvironment) -> ExitCode {
        let target = args.positionals.first ?? "providers"
        let path = target.hasPrefix("/") ? target : env.workingDirectory + "/" + target
        let diagnostics = ConfigDiagnostics(secretResolver: env.secrets)
        let providers: [ProviderDefinition]
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            providers = ProviderRegistry.load(file: path, diagnostics: diagnostics).map { [$0] } ?? []
        } else {
            providers = ProviderRegistry.load(directory: path, diagnostics: diagnostics).all
        }
        for e in diagnostics.errors { env.output.err("error: \(e)\n") }
        if diagnostics.hasErrors { return .config }
        var passed = 0, failed = 0
        env.output.out("PROVIDER        RESULT  FIXTURE\n")
        for p in providers {
            for r in FixtureRunner.run(p) {
                if r.passed { passed += 1 } else { failed += 1 }
                env.output.out("\(p.id.padding(to: 16))\(r.passed ? "pass  " : "FAIL  ")  \(r.name)\n")
                if !r.passed { env.output.out("    \(r.location): \(r.message)\n") }
            }
        }
        env.output.out("\n\(passed) passed, \(failed) failed\n")
        return failed == 0 ? .success : .failure
    }
}
