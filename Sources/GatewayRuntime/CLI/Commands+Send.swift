// `webhook-gateway send <source-or-provider> <event>`: play the vendor. Builds a realistic payload
// for the event from the provider file's own fixtures (so it works for user-added providers too),
// signs it exactly as the vendor would with a fresh id and timestamp, posts it, prints the answer.

import GatewayConfig
import GatewayCore
import GatewayCrypto
import GatewayHTTP
import GatewayProviders
import GatewayTLS

extension CLI {
    static var sendCommand: Command {
        Command(
            spec: CommandSpec(
                name: "send", summary: "sign and post a realistic webhook as the vendor would (test a setup end to end)",
                arguments: "<source-or-provider> [event]",
                options: [
                    configOption,
                    OptionSpec(name: "to", valueName: "URL", help: "where to post (default: the source's URL on the configured listener)"),
                    OptionSpec(name: "secret", valueName: "REF", help: "signing secret: ${env:NAME}, ${file:/path} or the value (default: the source's)"),
                    OptionSpec(name: "providers", valueName: "DIR", help: "provider files when no configuration is used (default: providers)"),
                    OptionSpec(name: "ca-file", valueName: "FILE", help: "CA certificates for an https URL"),
                    OptionSpec(name: "list", valueName: nil, help: "list the events this provider can send"),
                ],
                positionals: 1...2,
                details: "The first argument names a configured source (its provider, secret and path are used) or a provider id (then give --secret and --to)."),
            run: { args, env in send(args, env) })
    }

    static func send(_ args: ParsedArguments, _ env: CLIEnvironment) -> ExitCode {
        let err = env.output.err
        let name = args.positionals[0]
        // Resolve the target: a configured source first, else a provider id.
        var provider: ProviderDefinition?
        var secrets: [Secret] = []
        var url = args.value("to")
        let diagnostics = ConfigDiagnostics(secretResolver: env.secrets)
        let path = configPath(args, env)
        if args.value("providers") == nil, let c = try? GatewaySetup.decodeConfiguration(path, diagnostics: diagnostics, workingDirectory: env.workingDirectory) {
            let registry = GatewaySetup.loadProviders(c, configPath: path, diagnostics: diagnostics)
            if let source = c.sources.first(where: { $0.name == name }) {
                provider = registry[source.provider]
                secrets = source.presentSecrets
                if url == nil { url = "http://\(c.server.listen.connectable)\(source.path)" }
                if secrets.isEmpty, args.value("secret") == nil, !source.unsetVariables.isEmpty {
                    err("webhook-gateway send: source '\(name)' has no secret: set \(source.unsetVariables.joined(separator: " or ")) or pass --secret\n")
                    return .config
                }
            } else {
                provider = registry[name]
                if url == nil, provider != nil { url = "http://\(c.server.listen.connectable)/webhooks/\(name)" }
            }
        } else {
            let dir = args.value("providers") ?? "providers"
            provider = ProviderRegistry.load(directory: dir.hasPrefix("/") ? dir : env.workingDirectory + "/" + dir, diagnostics: diagnostics)[name]
        }
        guard let provider else {
            err("webhook-gateway send: '\(name)' is neither a configured source nor a provider id\n")
            return .usage
        }
        if let ref = args.value("secret") {
            switch env.secrets.resolve(ref, context: "--secret", at: .builtIn("--secret"), diagnostics: diagnostics) {
            case .present(let s)?: secrets = [s]
            case .unsetVariable(let v)?: err("webhook-gateway send: --secret: \(v) is not set\n"); return .usage
            case nil: for e in diagnostics.errors { err("webhook-gateway send: \(e.message)\n") }; return .usage
            }
        }
        let events = provider.sampleEvents
        if args.flag("list") || args.positionals.count == 1 {
            env.output.out("events \(provider.id) can send:\n")
            for e in events { env.output.out("  \(e)\n") }
            return args.flag("list") ? .success : .usage
        }
        let event = args.positionals[1]
        guard let sample = provider.sample(forEvent: event) else {
            err("webhook-gateway send: provider '\(provider.id)' has no fixture for event '\(event)'\(ConfigReader.suggestion(for: event, in: events)); events: \(events.joined(separator: ", "))\n")
            return .usage
        }
        // The fixture's own (public test) secret is the fallback, so `send` works out of the box.
        guard let secret = secrets.first ?? sample.secrets.first ?? sample.signing?.secret else {
            err("webhook-gateway send: no secret: pass --secret\n")
            return .usage
        }
        guard let target = url.flatMap({ HTTPURL($0) }) else {
            err("webhook-gateway send: no valid URL: pass --to http://host:port/path\n")
            return .usage
        }
        var headers = sample.headers
        let messageID = "msg_" + Base32.encode(secureRandomBytes(15))
        for (n, v) in provider.verification.sign(body: sample.body, secret: secret, timestamp: .now(), messageID: messageID) {
            headers.set(n, v)
        }
        headers.set("content-type", "application/json")
        var tls: (any TLSClientContext)?
        if target.scheme == .https {
            do { tls = try OpenSSLClientContext(caFile: args.value("ca-file")) } catch {
                err("webhook-gateway send: \(error)\n")
                return .unavailable
            }
        }
        let client = HTTPClient(configuration: HTTPClient.Configuration(tls: tls))
        defer { client.close() }
        env.output.out("POST \(target.scheme)://\(target.host):\(target.port)\(target.target) (\(provider.id) \(event), \(sample.body.count) bytes)\n")
        do {
            let response = try client.send(HTTPClientRequest(method: "POST", url: target, headers: headers, body: sample.body))
            env.output.out("HTTP \(response.status)\n")
            for (n, v) in response.headers { env.output.out("\(n): \(v)\n") }
            env.output.out("\n\(String(decoding: response.body, as: UTF8.self))\n")
            return (200..<300).contains(response.status) ? .success : .failure
        } catch {
            err("webhook-gateway send: \(error)\n")
            return .unavailable
        }
    }
}
