// Shared helpers for the provider tests: where the repository's files are, and loading them.

import Foundation
import GatewayCore
@testable import GatewayProviders

enum Repo {
    /// The repository root, found from this file's path (Tests/GatewayProvidersTests/…).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var providers: String { root + "/providers" }

    /// The built-in provider files, failing loudly (with every diagnostic) when any has an error.
    static func registry() throws -> ProviderRegistry {
        let d = ConfigDiagnostics()
        let r = ProviderRegistry.load(directory: providers, diagnostics: d)
        if d.hasErrors { throw ConfigErrors(d.errors) }
        return r
    }

    /// Every built-in fixture the pipeline accepts, processed with its raw body kept: for tests
    /// that compare what the envelope writer made of each.
    static func processedFixtures(traceparent: String? = nil) throws
        -> [(fixture: Fixture, webhook: InboundWebhook, processed: ProcessedWebhook)] {
        let r = try registry()
        var out: [(fixture: Fixture, webhook: InboundWebhook, processed: ProcessedWebhook)] = []
        for id in r.ids {
            guard let p = r[id] else { continue }
            for fixture in p.fixtures {
                let webhook = fixture.request(scheme: p.verification)
                guard let processed = try? p.process(webhook, source: fixture.source ?? p.id, keepRaw: true,
                                                     traceparent: traceparent) else { continue }
                out.append((fixture, webhook, processed))
            }
        }
        return out
    }
}
