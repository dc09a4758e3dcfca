// `webhook-gateway serve` runs the gateway until SIGTERM/SIGINT; `reload` asks a running gateway
// to re-read its configuration (SIGHUP to the pid recorded in the storage lock file).

import GatewayConfig
import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

extension CLI {
    static var serveCommands: [Command] {
        [
            Command(
                spec: CommandSpec(
                    name: "serve", summary: "run the gateway", options: [configOption],
                    details: "Stops on SIGTERM or SIGINT after draining in-flight requests; SIGHUP reloads the configuration."),
                run: { args, env in serve(args, env) }),
            Command(
                spec: CommandSpec(
                    name: "reload", summary: "make the running gateway re-read its configuration (SIGHUP)", options: [configOption],
                    details: "Finds the gateway through the lock file in the configured storage path."),
                run: { args, env in reload(args, env) }),
            sendCommand,
        ]
    }

    static func serve(_ args: ParsedArguments, _ env: CLIEnvironment) -> ExitCode {
        // Before any thread exists, so every thread inherits the blocked signal mask.
        SignalWaiter.install()
        guard let setup = loadSetup(args, env) else { return .config }
        let c = setup.configuration
        let logger = Logger(level: c.log.level, handler: StderrLogHandler(format: c.log.format == .json ? .json : .text))
        for w in setup.warnings { logger.warning("\(w)") }
        let gateway: Gateway
        let ports: (webhooks: Int, admin: Int?)
        do {
            gateway = try Gateway(setup: setup, secrets: env.secrets, logger: logger)
            ports = try gateway.start()
        } catch {
            logger.error("cannot start: \(error)")
            return .unavailable
        }
        logger.info("webhook-gateway \(version) listening", [
            ("address", "\(c.server.listen.host):\(ports.webhooks)"), ("sources", setup.graph.sources.map(\.name).joined(separator: ",")),
            ("sinks", setup.sinks.map(\.envelope.name).joined(separator: ",")), ("storage", c.storage.path),
            ("fsync", "\(c.storage.fsync)"), ("admin", ports.admin.map { "\(c.admin.listen.host):\($0)" } ?? "off")])
        while true {
            switch SignalWaiter.next() {
            case .reload:
                logger.info("SIGHUP: reloading \(setup.configPath)")
                gateway.reload()
            case .terminate:
                logger.info("stopping: draining in-flight requests")
                gateway.stop()
                logger.info("stopped")
                return .success
            }
        }
    }

    static func reload(_ args: ParsedArguments, _ env: CLIEnvironment) -> ExitCode {
        guard let c = try? GatewaySetup.decodeConfiguration(configPath(args, env), diagnostics: ConfigDiagnostics(secretResolver: env.secrets), workingDirectory: env.workingDirectory) else {
            env.output.err("webhook-gateway reload: cannot read \(configPath(args, env))\n")
            return .config
        }
        let storage = c.storage.path
        guard let pid = RunningGateway.pid(storage: storage) else {
            env.output.err("webhook-gateway reload: no running gateway holds \(storage)/LOCK\n")
            return .unavailable
        }
        guard kill(pid, SIGHUP) == 0 else {
            env.output.err("webhook-gateway reload: cannot signal pid \(pid)\n")
            return .unavailable
        }
        env.output.out("sent SIGHUP to webhook-gateway (pid \(pid)); the outcome is in its log\n")
        return .success
    }
}

/// Finds a running gateway through its storage lock: the lock is held (flock) and the file holds the pid.
enum RunningGateway {
    static func pid(storage: String) -> pid_t? {
        let path = storage + "/LOCK"
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // If we can take the lock, nobody is running.
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        var buf = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buf, buf.count)
        guard n > 0 else { return nil }
        return pid_t(String(decoding: buf[0..<n].filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
    }
}
