// One configuration problem, located. Rendered as `file:line:col: message`.

public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }
}

/// Every problem found in one load, reported together rather than stopping at the first.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Collects errors while a whole configuration is decoded. Decoders add to it and carry on, so
/// one run reports every mistake. A reference type because nested readers share it.
public final class ConfigDiagnostics {
    public private(set) var errors: [ConfigError] = []
    public private(set) var warnings: [ConfigError] = []
    /// How `${env:…}` and `${file:…}` references are resolved while decoding.
    public let secretResolver: SecretResolver
    /// Every value `secret(_:context:)` resolved, in order (nil where it failed): what a decoder
    /// read, for a caller that must notice a secret changing under an unchanged reference.
    public internal(set) var resolvedSecrets: [SecretValue?] = []

    public init(secretResolver: SecretResolver = .process) { self.secretResolver = secretResolver }

    public func error(_ message: String, at location: SourceLocation) {
        errors.append(ConfigError(message, at: location))
    }

    public func warning(_ message: String, at location: SourceLocation) {
        warnings.append(ConfigError(message, at: location))
    }

    public func add(_ other: ConfigErrors) { errors.append(contentsOf: other.errors) }

    public var hasErrors: Bool { !errors.isEmpty }

    /// Throws every collected error at once, in file order.
    public func throwIfAny() throws(ConfigErrors) {
        if !errors.isEmpty {
            throw ConfigErrors(errors.sorted {
                ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
            })
        }
    }
}
