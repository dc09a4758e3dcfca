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
        let files = decodeFiles(in: directory, normalizers: normalizers, diagnostics: diagnostics)
        return resolve(files.decoded, broken: files.broken, diagnostics: diagnostics)
    }

    /// Loads one provider file. A `mapping_from:` in it is resolved against the other provider
    /// files of its directory (whose own problems are not reported here).
    public static func load(file path: String, normalizers: NormalizerRegistry = .builtIn,
                            diagnostics: ConfigDiagnostics) -> ProviderDefinition? {
        var id: String?
        guard let decoded = decode(file: path, normalizers: normalizers, diagnostics: diagnostics, id: &id) else { return nil }
        var reusable: [DecodedProvider] = []
        var broken: [String: String] = [:]
        if case .reused = decoded.normalization {
            let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            let files = decodeFiles(in: directory, normalizers: normalizers, diagnostics: ConfigDiagnostics())
            reusable = files.decoded.filter { $0.file != path && $0.id != decoded.id }
            broken = files.broken
        }
        return resolve([decoded], reusable: reusable, broken: broken, diagnostics: diagnostics).first
    }

    /// Turns decoded provider files into a registry once all of them are decoded, so that the
    /// order of the files does not matter: a later duplicate id is an error and is left out, then
    /// each `mapping_from:` is looked up among the rest. Used for a directory and for the
    /// definitions compiled into the binary alike.
    /// `broken`: ids of files that did not decode (id → file), so a `mapping_from:` naming one of
    /// them is reported as what it is, not as an unknown id.
    public static func resolve(_ decoded: [DecodedProvider], broken: [String: String] = [:],
                               diagnostics: ConfigDiagnostics) -> ProviderRegistry {
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
        return ProviderRegistry(resolve(unique, reusable: [], broken: broken, diagnostics: diagnostics))
    }

    /// `mapping_from: ID` takes the mapping of provider ID, found in `decoded` or `reusable`. ID
    /// must itself have a `mapping:`: no chains (the one to name is always the one that holds the
    /// mapping, one hop away), and no Swift normaliser (a file names that with `normalizer:`).
    private static func resolve(_ decoded: [DecodedProvider], reusable: [DecodedProvider], broken: [String: String],
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
                if byID[from] == nil, let file = broken[from] {
                    diagnostics.error("\(ctx): that provider did not load, because of errors in \(file); fix them first", at: location)
                    return nil
                }
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

    /// The files of `directory` that decoded, and the ids of those that did not but name one.
    private static func decodeFiles(in directory: String, normalizers: NormalizerRegistry,
                                    diagnostics: ConfigDiagnostics) -> (decoded: [DecodedProvider], broken: [String: String]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            diagnostics.error("cannot read the providers directory: \(error.localizedDescription)", at: .builtIn(directory))
            return ([], [:])
        }
        var decoded: [DecodedProvider] = []
        var broken: [String: String] = [:]
        for name in names {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var id: String?
            if let d = decode(file: path, normalizers: normalizers, diagnostics: diagnostics, id: &id) {
                decoded.append(d)
            } else if let id {
                broken[id] = path
            }
        }
        return (decoded, broken)
    }

    /// `id`: the file's `id:` when its YAML loads, even if the definition has errors.
    private static func decode(file path: String, normalizers: NormalizerRegistry,
                               diagnostics: ConfigDiagnostics, id: inout String?) -> DecodedProvider? {
        let node: ConfigNode
        do { node = try YAMLLoader.load(path: path) } catch {
            diagnostics.add(error)
            return nil
        }
        id = node["id"]?.scalar
        return ProviderDefinition.decode(node, file: path, normalizers: normalizers, diagnostics: diagnostics)
    }

    /// The providers whose identifying headers appear in `headers` (auto-detecting ingress URL).
    public func detect(_ headers: HeaderFields) -> [ProviderDefinition] {
        all.filter { $0.matches(headers) }
    }
}
