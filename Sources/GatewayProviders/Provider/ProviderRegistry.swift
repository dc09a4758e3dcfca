// Every provider definition the gateway knows, loaded from a directory of `*.yaml` files. Adding a
// provider is adding a file: nothing in Swift changes unless it needs a Swift normaliser.

public import GatewayCore
import GatewayConfig
import Foundation

public struct ProviderRegistry: Sendable {
    public let all: [ProviderDefinition]
    private let byID: [String: Int]

    public init(_ definitions: [ProviderDefinition]) {
        all = definitions
        var index: [String: Int] = [:]
        for (i, d) in definitions.enumerated() where index[d.id] == nil { index[d.id] = i }
        byID = index
    }

    public subscript(id: String) -> ProviderDefinition? { byID[id].map { all[$0] } }

    public var ids: [String] { all.map(\.id) }

    /// Loads every `*.yaml` / `*.yml` file of `directory` in name order. Problems (unreadable
    /// files, YAML errors, strict-decoding errors, duplicate ids) go to `diagnostics`; files with
    /// errors are left out, the rest still load.
    public static func load(directory: String, normalizers: NormalizerRegistry = .builtIn,
                            diagnostics: ConfigDiagnostics) -> ProviderRegistry {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            diagnostics.error("cannot read the providers directory: \(error.localizedDescription)", at: .builtIn(directory))
            return ProviderRegistry([])
        }
        var defs: [ProviderDefinition] = []
        var seen: [String: String] = [:]
        for name in names {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            guard let def = load(file: path, normalizers: normalizers, diagnostics: diagnostics) else { continue }
            if let other = seen[def.id] {
                diagnostics.error("provider id '\(def.id)' is already defined in \(other)", at: .builtIn(path))
                continue
            }
            seen[def.id] = path
            defs.append(def)
        }
        return ProviderRegistry(defs)
    }

    /// Loads one provider file.
    public static func load(file path: String, normalizers: NormalizerRegistry = .builtIn,
                            diagnostics: ConfigDiagnostics) -> ProviderDefinition? {
        let node: ConfigNode
        do { node = try YAMLLoader.load(path: path) } catch {
            diagnostics.add(error)
            return nil
        }
        return ProviderDefinition.decode(node, file: path, normalizers: normalizers, diagnostics: diagnostics)
    }

    /// The providers whose identifying headers appear in `headers` (auto-detecting ingress URL).
    public func detect(_ headers: HeaderFields) -> [ProviderDefinition] {
        all.filter { $0.matches(headers) }
    }
}
