// Secrets are written in configuration as references, `${env:NAME}` or `${file:/path}`, and
// resolved at load. A `Secret` never prints its value: not in errors, `check` output or logs.

#if canImport(Glibc)
import Glibc
#endif

public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret's bytes (UTF-8 of the resolved text). Only verifiers and signers read this.
    public let bytes: [UInt8]
    /// Where it came from, safe to print: `env:RECALL_SECRET`, `file:/run/secrets/x` or `inline`.
    public let origin: String

    public init(bytes: [UInt8], origin: String) {
        self.bytes = bytes
        self.origin = origin
    }

    public init(_ text: String, origin: String = "inline") {
        self.init(bytes: Array(text.utf8), origin: origin)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { "<secret from \(origin)>" }
    public var debugDescription: String { description }
}

extension Secret: CustomReflectable {
    /// `dump()` and debuggers see the origin only, never the bytes.
    public var customMirror: Mirror { Mirror(self, children: ["origin": origin]) }
}

/// What a secret reference in configuration resolved to.
public enum SecretValue: Sendable, Hashable {
    case present(Secret)
    /// `${env:NAME}` with NAME unset (or empty): the owner decides whether that is fatal. Sources
    /// stay routable and answer 503 until it is set.
    case unsetVariable(String)
}

/// Resolves secret references. Tests inject their own environment and file reader.
public struct SecretResolver: Sendable {
    public var environment: @Sendable (String) -> String?
    public var readFile: @Sendable (String) -> [UInt8]?

    public init(environment: @escaping @Sendable (String) -> String?, readFile: @escaping @Sendable (String) -> [UInt8]?) {
        self.environment = environment
        self.readFile = readFile
    }

    /// The process environment and the real file system.
    public static let process = SecretResolver(
        environment: { name in getenv(name).map { String(cString: $0) } },
        readFile: { path in SecretResolver.readWholeFile(path) })

    static func readWholeFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { out.append(contentsOf: buf[0..<n]) }
            if n < buf.count { break }
            if out.count > 1 << 20 { return nil }  // a secret is not a megabyte
        }
        return ferror(f) == 0 ? out : nil
    }

    /// Resolves `text`: `${env:NAME}`, `${file:/path}` (trailing newline stripped, as files written
    /// by `echo` or secret managers usually carry one) or a literal. Errors never include the value.
    public func resolve(_ text: String, context: String, at location: SourceLocation,
                        diagnostics: ConfigDiagnostics) -> SecretValue? {
        guard text.hasPrefix("${"), text.hasSuffix("}") else {
            if text.contains("${") {
                diagnostics.error("\(context): malformed secret reference; write ${env:NAME} or ${file:/path}", at: location)
                return nil
            }
            return .present(Secret(text, origin: "inline"))
        }
        let inner = text.dropFirst(2).dropLast()
        if inner.hasPrefix("env:") {
            let name = String(inner.dropFirst(4))
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                diagnostics.error("\(context): invalid environment variable name in secret reference", at: location)
                return nil
            }
            guard let value = environment(name), !value.isEmpty else { return .unsetVariable(name) }
            return .present(Secret(value, origin: "env:\(name)"))
        }
        if inner.hasPrefix("file:") {
            let path = String(inner.dropFirst(5))
            guard !path.isEmpty else {
                diagnostics.error("\(context): empty path in secret reference", at: location)
                return nil
            }
            guard var bytes = readFile(path) else {
                diagnostics.error("\(context): cannot read secret file \(path)", at: location)
                return nil
            }
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            guard !bytes.isEmpty else {
                diagnostics.error("\(context): secret file \(path) is empty", at: location)
                return nil
            }
            return .present(Secret(bytes: bytes, origin: "file:\(path)"))
        }
        diagnostics.error("\(context): unknown secret reference kind; write ${env:NAME} or ${file:/path}", at: location)
        return nil
    }
}

extension ConfigDiagnostics {
    /// Decodes a secret reference from a scalar node.
    public func secret(_ node: ConfigNode, context: String) -> SecretValue? {
        guard let text = node.scalar else {
            error("\(context) must be a secret reference such as ${env:NAME}, found \(node.kindDescription)", at: node.location)
            return nil
        }
        let value = secretResolver.resolve(text, context: context, at: node.location, diagnostics: self)
        resolvedSecrets.append(value)
        return value
    }
}
