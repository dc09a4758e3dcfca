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
    /// files, YAML errors, strict-decoding errors, duplicate ids, `mapping_from:` that does not
    /// resolve) go to `diagnostics`; files with errors are left out, the rest still load.
    public static func load(directory: String, normalizers: NormalizerRegistry = .builtIn,
                            diagnostics: ConfigDiagnostics) -> ProviderRegistry {
        resolve(decodeFiles(in: directory, normalizers: normalizers, diagnostics: diagnostics), diagnostics: diagnostics)
    }

    /// Loads one provider file. A `mapping_from:` in it is resolved against the other provider
    /// files of its directory (whose own problems are not reported here).
    public static func load(file path: String, normalizers: NormalizerRegistry = .builtIn,
                            diagnostics: ConfigDiagnostics) -> ProviderDefinition? {
        guard let decoded = decode(file: path, normalizers: normalizers, diagnostics: diagnostics) else { return nil }
        var reusable: [DecodedProvider] = []
        if case .reused = decoded.normalization {
            let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            reusable = decodeFiles(in: directory, normalizers: normalizers, diagnostics: ConfigDiagnostics())
                .filter { $0.file != path && $0.id != decoded.id }
        }
        return resolve([decoded], reusable: reusable, diagnostics: diagnostics).first
    }

    /// Turns decoded provider files into a registry once all of them are decoded, so that the
    /// order of the files does not matter: a later duplicate id is an error and is left out, then
    /// each `mapping_from:` is looked up among the rest. Used for a directory and for the
    /// definitions compiled into the binary alike.
    public static func resolve(_ decoded: [DecodedProvider], diagnostics: ConfigDiagnostics) -> ProviderRegistry {
        var unique: [DecodedProvider] = []
        var seen: [String: String] = [:]
        for d in decoded {
            if let other = seen[d.id] {
                diagnostics.error("provider id '\(d.id)' is already defined in \(other)", at: .builtIn(d.file))
                continue
            }
            seen[d.id] = d.file
            unique.append(d)
        }
        return ProviderRegistry(resolve(unique, reusable: [], diagnostics: diagnostics))
    }

    /// `mapping_from: ID` takes the mapping of provider ID, found in `decoded` or `reusable`. ID
    /// must itself have a `mapping:`: no chains (the one to name is always the one that holds the
    /// mapping, one hop away), and no Swift normaliser (a file names that with `normalizer:`).
    private static func resolve(_ decoded: [DecodedProvider], reusable: [DecodedProvider],
                                diagnostics: ConfigDiagnostics) -> [ProviderDefinition] {
        var byID: [String: DecodedProvider] = [:]
        for d in reusable + decoded { byID[d.id] = d }
        let ids = (reusable + decoded).map(\.id).sorted()
        return decoded.compactMap { d -> ProviderDefinition? in
            switch d.normalization {
            case .mapping(let m): return d.make(m)
            case .swift(_, let n): return d.make(n)
            case .reused(let from, let location):
                let ctx = "provider '\(d.id)': mapping_from '\(from)'"
                guard let target = byID[from] else {
                    diagnostics.error("\(ctx): no such provider (loaded: \(ids.joined(separator: ", ")))"
                                      + ConfigReader.suggestion(for: from, in: ids), at: location)
                    return nil
                }
                switch target.normalization {
                case .mapping(let m):
                    return d.make(m.reused(by: d.id))
                case .swift(let name, _):
                    diagnostics.error("\(ctx): that provider has the Swift normalizer '\(name)', not a mapping; write 'normalizer: \(name)' instead",
                                      at: location)
                case .reused where target.id == d.id:
                    diagnostics.error("\(ctx): a provider cannot reuse its own mapping", at: location)
                case .reused(let next, _):
                    diagnostics.error("\(ctx): that provider reuses the mapping of '\(next)' itself; chains are not supported, name '\(next)'",
                                      at: location)
                }
                return nil
            }
        }
    }

    private static func decodeFiles(in directory: String, normalizers: NormalizerRegistry,
                                    diagnostics: ConfigDiagnostics) -> [DecodedProvider] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            diagnostics.error("cannot read the providers directory: \(error.localizedDescription)", at: .builtIn(directory))
            return []
        }
        return names.compactMap { name in
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            return decode(file: path, normalizers: normalizers, diagnostics: diagnostics)
        }
    }

    private static func decode(file path: String, normalizers: NormalizerRegistry,
                               diagnostics: ConfigDiagnostics) -> DecodedProvider? {
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
