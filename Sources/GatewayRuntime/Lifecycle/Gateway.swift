// A running gateway: storage opened and locked, delivery started, listeners up; SIGHUP reloads,
// SIGTERM/SIGINT drain and stop. `serve` builds one and blocks until a stop signal.

import GatewayConfig
import GatewayCore
import GatewayDelivery
import GatewayHTTP
import GatewayProviders
import GatewayStore
import GatewayTLS
import Synchronization

final class Gateway: Sendable {
    let secrets: SecretResolver
    let logger: Logger
    let registry: MetricsRegistry
    let health = HealthState()
    let lock: StorageLock
    let journal: Journal
    let dedupe: DedupeIndex
    let delivery: DeliveryEngine
    let ingress: IngressHandler
    let server: HTTPServer
    let admin: HTTPServer?
    let retention: RetentionSweeper
    let setup: Mutex<GatewaySetup>

    /// Opens storage, starts delivery and the listeners. Throws a message for the operator.
    init(setup: GatewaySetup, secrets: SecretResolver, logger: Logger) throws(StartupError) {
        let c = setup.configuration
        self.secrets = secrets
        self.logger = logger
        self.setup = Mutex(setup)
        registry = MetricsRegistry()
        do {
            lock = try StorageLock(directory: c.storage.path)
        } catch .locked {
            throw StartupError("storage \(c.storage.path) is locked by another running gateway (see \(c.storage.path)/LOCK for its pid)")
        } catch {
            throw StartupError("cannot open storage \(c.storage.path): \(error)")
        }
        do {
            journal = try Journal(directory: c.storage.path, options: c.storage.journalOptions, logger: logger)
            dedupe = try DedupeIndex(directory: c.storage.path, journal: journal, window: c.storage.dedupeWindow.seconds, logger: logger)  // each names its component
        } catch {
            throw StartupError("cannot open storage \(c.storage.path): \(error)")
        }
        do {
            delivery = try DeliveryEngine(
                journal: journal, storageDirectory: c.storage.path, sinks: setup.sinks.map(\.configured),
                logger: logger.with("component", "delivery"), metrics: DeliveryMetrics(registry: registry))
        } catch {
            throw StartupError("cannot start delivery: \(error)")
        }
        retention = RetentionSweeper(journal: journal, delivery: delivery, retention: c.storage.retention.seconds, logger: logger.with("component", "retention"))
        ingress = IngressHandler(
            graph: setup.graph, journal: journal, dedupe: dedupe, sessions: SessionStateTracker(),
            registry: registry, metrics: IngressMetrics(registry: registry), health: health,
            logger: logger.with("component", "ingress"), maxInFlight: c.server.maxInFlight)
        var serverConfiguration = try Gateway.serverConfiguration(c.server)
        serverConfiguration.roundSeconds = registry.histogram(
            "gateway_event_loop_round_seconds",
            "Work done between two waits of a webhook event loop (read, handle, journal, answer); a request waits for the rounds it lands in.").labels()
        server = HTTPServer(configuration: serverConfiguration, handler: ingress, logger: logger.with("component", "http"))
        // Webhooks are answered on their event loop, not on the journal's writer thread (see
        // `handOffCompletions`): each loop's round ends with `commitDeferred()`, which runs them.
        let wakeServer = server
        journal.handOffCompletions { wakeServer.wakeLoops() }
        if let token = c.admin.enabledToken {
            admin = HTTPServer(
                configuration: HTTPServerConfiguration(host: c.admin.listen.host, port: c.admin.listen.port, eventLoops: 1, maxConnections: 64),
                handler: AdminHandler(token: token, delivery: delivery, journal: journal, registry: registry, health: health, logger: logger.with("component", "admin")),
                logger: logger.with("component", "admin-http"))
        } else {
            admin = nil
        }
        let server = self.server
        ProcessMetrics.register(registry, version: CLI.version, openConnections: { server.openConnections })
        let ingress = self.ingress
        registry.computed("gateway_ingest_in_flight", "Webhooks accepted and waiting for the journal.") { [([], Double(ingress.waitingForJournal))] }
        JournalMetrics.register(registry, journal: journal)
    }

    /// Starts delivery and the listeners; returns the bound ports (useful when configured as 0).
    func start() throws(StartupError) -> (webhooks: Int, admin: Int?) {
        delivery.start()
        retention.start()
        let port: Int
        do { port = try server.start() } catch { throw StartupError("cannot listen on \(setup.withLock { $0.configuration.server.listen }): \(error)") }
        var adminPort: Int?
        if let admin {
            do { adminPort = try admin.start() } catch { throw StartupError("cannot listen for the admin API: \(error)") }
        }
        health.markStarted()
        return (port, adminPort)
    }

    /// Re-reads the configuration and provider files, applies the sink changes and swaps the
    /// routing graph. An invalid configuration, or a sink that cannot start, is logged and the
    /// running configuration stays whole.
    func reload() {
        let old = setup.withLock { $0 }
        let new: GatewaySetup
        do {
            new = try GatewaySetup.load(configPath: old.configPath, secrets: secrets)
        } catch {
            for e in error.errors { logger.error("reload rejected: \(e)") }
            logger.error("reload rejected: \(error.errors.count) configuration error(s); the previous configuration keeps serving")
            return
        }
        // Sinks before the graph: an event accepted on the new graph must find every sink meant
        // for it running, and an added sink starts at the journal's end as of now.
        do {
            try delivery.reconfigure(SinkSetup.reloadPlan(running: old.sinks, reloaded: new.sinks))
        } catch {
            logger.error("reload rejected: \(error); the previous configuration keeps serving")
            return
        }
        for w in new.warnings { logger.warning("\(w)") }
        ingress.replace(new.graph)
        setup.withLock { $0 = new }
        let restartNeeded = RestartOnlySettings.changes(from: old.configuration, to: new.configuration)
        if !restartNeeded.isEmpty {
            logger.warning("reload applied sources, providers and sinks; these changes take effect only after a restart: \(restartNeeded.joined(separator: ", "))")
        }
        logger.info("configuration reloaded", [
            ("sources", String(new.graph.sources.count)), ("providers", String(new.providers.all.count)), ("sinks", String(new.sinks.count)),
        ])
    }

    /// Drains: stop accepting, finish in-flight requests, stop delivery, close storage.
    func stop() {
        health.markDraining()
        let grace = setup.withLock { $0.configuration.server.shutdownGrace.seconds }
        server.shutdown(grace: grace)
        admin?.shutdown(grace: 2)
        retention.stop()
        delivery.stop()
        journal.close()
        dedupe.close()
        lock.release()
    }

    static func serverConfiguration(_ s: GatewayConfiguration.Server) throws(StartupError) -> HTTPServerConfiguration {
        var tls: (any TLSServerContext)?
        if let t = s.tls {
            do { tls = try OpenSSLServerContext(certificatePath: t.certificate, privateKeyPath: t.privateKey) } catch {
                throw StartupError("server.tls: \(error)")
            }
        }
        return HTTPServerConfiguration(
            host: s.listen.host, port: s.listen.port, eventLoops: s.eventLoops, maxConnections: s.maxConnections,
            defaultBodyLimit: s.bodyLimit.bytes, headerLimit: s.headerLimit.bytes, maxHeaders: s.maxHeaders,
            headerTimeout: s.headerTimeout.seconds, bodyTimeout: s.bodyTimeout.seconds, idleTimeout: s.idleTimeout.seconds,
            responseTimeout: s.responseTimeout.seconds, maxRequestsPerConnection: s.maxRequestsPerConnection, shutdownGrace: s.shutdownGrace.seconds, tls: tls)
    }
}

struct StartupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension GatewayConfiguration.Storage {
    var journalOptions: JournalOptions {
        let policy: FsyncPolicy
        switch fsync {
        case .always: policy = .always
        case .never: policy = .never
        case .interval(let d): policy = .interval(d.seconds)
        }
        return JournalOptions(fsync: policy, segmentSize: segmentSize.bytes, retention: retention.seconds)
    }
}
