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
}
