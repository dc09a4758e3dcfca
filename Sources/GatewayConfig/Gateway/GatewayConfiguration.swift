// The whole `gateway.yaml`: plain structs with defaults, one file per section, each key documented
// where it is decoded. Decoding is strict and collects every problem (unknown keys with
// suggestions, wrong types, missing keys, out-of-range values) before anything is reported.

public import GatewayCore

public struct GatewayConfiguration: Sendable, Equatable {
    /// `server`: the webhook listener.
    public var server = Server()
    /// `storage`: journal, dedupe index and sink state.
    public var storage = Storage()
    /// `providers_dir` (default `providers`): where `<id>.yaml` provider definitions are read
    /// from. A relative path is resolved against the configuration file's directory, because the
    /// definitions ship beside it; this holds the resolved path.
    public var providersDirectory = "providers"
    /// `sources`: the webhook endpoints.
    public var sources: [Source] = []
    /// `sinks`: where events are delivered; only the shared envelope is decoded here.
    public var sinks: [SinkEnvelope] = []
    /// `admin`: the operator API.
    public var admin = Admin()
    /// `log`: stderr logging.
    public var log = Log()

    public init() {}

    public static let keys = ["server", "storage", "providers_dir", "sources", "sinks", "admin", "log"]

    /// Decodes a loaded tree, recording every problem in `diagnostics` (the result is meaningful
    /// only when it has no errors). `baseDirectory` anchors `providers_dir`; by default it is the
    /// directory of the file the node was read from.
    ///
    /// Sink plugins' own keys are not checked here: build each sink from `sinks[i].reader(...)`
    /// with the same diagnostics, then `throwIfAny()`, to report every mistake in one pass.
    public static func decode(_ node: ConfigNode, diagnostics: ConfigDiagnostics, baseDirectory: String? = nil) -> GatewayConfiguration {
        var r = ConfigReader(node, context: "the configuration", diagnostics: diagnostics)
        var c = GatewayConfiguration()
        func section(_ key: String) -> ConfigNode { r.node(key) ?? ConfigNode(.null, at: node.location) }

        c.server = Server.decode(section("server"), diagnostics: diagnostics)
        c.storage = Storage.decode(section("storage"), diagnostics: diagnostics)
        if let dirNode = r.node("providers_dir"), !dirNode.isNull,
           let dir = String.decode(dirNode, context: "the configuration key 'providers_dir'", diagnostics: diagnostics) {
            if dir.isEmpty {
                diagnostics.error("'providers_dir' must not be empty", at: dirNode.location)
            } else {
                c.providersDirectory = dir
            }
        }
        c.providersDirectory = resolve(c.providersDirectory, against: baseDirectory ?? directory(of: node.location.file))

        c.sources = decodeSources(section("sources"), serverBodyLimit: c.server.bodyLimit, diagnostics: diagnostics)
        c.sinks = decodeSinks(section("sinks"), sourceNames: c.sources.map(\.name), diagnostics: diagnostics)
        c.admin = Admin.decode(section("admin"), serverListen: c.server.listen, diagnostics: diagnostics)
        c.log = Log.decode(section("log"), diagnostics: diagnostics)
        r.finish()
        return c
    }

    private static func decodeSources(_ node: ConfigNode, serverBodyLimit: ConfigByteSize, diagnostics: ConfigDiagnostics) -> [Source] {
        guard let items = list(node, key: "sources", diagnostics: diagnostics) else { return [] }
        if items.isEmpty {
            diagnostics.warning("no sources are configured: the gateway accepts no webhooks", at: node.location)
        }
        var names: [String: SourceLocation] = [:]
        var paths: [String: String] = [:]
        var out: [Source] = []
        for (i, item) in items.enumerated() {
            guard let source = Source.decode(item, index: i, serverBodyLimit: serverBodyLimit, diagnostics: diagnostics) else { continue }
            let nameLocation = item["name"]?.location ?? item.location
            let before = diagnostics.errors.count
            ConfigName.check(source.name, kind: "source", at: nameLocation, seen: &names, diagnostics: diagnostics)
            if let other = paths[source.path] {
                diagnostics.error("source '\(source.name)': path \(source.path) is already used by source '\(other)'",
                                  at: item["path"]?.location ?? nameLocation)
            } else {
                paths[source.path] = source.name
            }
            if diagnostics.errors.count == before { out.append(source) }
        }
        return out
    }

    private static func decodeSinks(_ node: ConfigNode, sourceNames: [String], diagnostics: ConfigDiagnostics) -> [SinkEnvelope] {
        guard let items = list(node, key: "sinks", diagnostics: diagnostics) else { return [] }
        if items.isEmpty {
            diagnostics.warning("no sinks are configured: events are journaled but delivered nowhere", at: node.location)
        }
        var names: [String: SourceLocation] = [:]
        var out: [SinkEnvelope] = []
        for (i, item) in items.enumerated() {
            guard let sink = SinkEnvelope.decode(item, index: i, sourceNames: sourceNames, diagnostics: diagnostics) else { continue }
            let before = diagnostics.errors.count
            ConfigName.check(sink.name, kind: "sink", at: item["name"]?.location ?? item.location, seen: &names, diagnostics: diagnostics)
            if diagnostics.errors.count == before { out.append(sink) }
        }
        return out
    }

    /// The entries of a list section; null (absent or empty) is an empty list.
    private static func list(_ node: ConfigNode, key: String, diagnostics: ConfigDiagnostics) -> [ConfigNode]? {
        switch node.value {
        case .sequence(let items): return items
        case .null: return []
        default:
            diagnostics.error("'\(key)' must be a list (entries start with '- '), found \(node.kindDescription)", at: node.location)
            return nil
        }
    }

    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") || base == "." || base.isEmpty { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}
