// `sinks:`: the part of every sink's configuration that the host owns (name, type, filter,
// ordering, retry, concurrency). The keys a sink type adds (url, path, format, headers, ...) are
// decoded by the delivery module's plugin for that type, from the same node: `reader(diagnostics:)`
// hands it a reader on which the envelope keys are already known, so its `finish()` reports every
// other unknown key, with suggestions drawn from both sets.

public import GatewayCore

public struct SinkEnvelope: Sendable, Equatable {
    /// The keys decoded here; a plugin must not reuse them for its own settings.
    public static let keys = ["name", "type", "filter", "ordering", "retry", "concurrency"]

    /// Whether one session's events are delivered one at a time, in journal order.
    public enum Ordering: String, Sendable, Equatable {
        /// `per_session` (default): a later event of a session waits while an earlier one retries.
        case perSession = "per_session"
        /// `none`: every event is delivered independently.
        case none
    }

    /// `name` (required, unique): lowercase letters, digits, '-' and '_'.
    public var name: String
    /// `type` (required): the sink plugin, e.g. `http`, `file`, `stdout`; the runtime checks it.
    public var type: String
    /// Where `type` was written, so an unknown type can be reported at file:line:col.
    public var typeLocation: SourceLocation
    /// `filter`: which events this sink receives (default: all).
    public var filter: Filter
    /// `ordering` (`per_session` | `none`).
    public var ordering: Ordering
    /// `retry`: when failed deliveries are tried again and when they are dead-lettered.
    public var retry: Retry
    /// `concurrency` (1–1024, default 4): deliveries in flight at once for this sink.
    public var concurrency: Int
    /// The whole sink entry as written, for the plugin's own keys.
    public var node: ConfigNode

    public init(name: String, type: String, node: ConfigNode) {
        self.name = name
        self.type = type
        self.typeLocation = node.location
        self.filter = Filter()
        self.ordering = .perSession
        self.retry = Retry()
        self.concurrency = 4
        self.node = node
    }

    /// Names the sink in messages: "sink 'ops'".
    public var context: String { "sink '\(name)'" }

    /// A reader on the sink's node for the plugin's own keys. The envelope keys are marked known;
    /// the plugin reads its keys and then calls `finish()` to report the rest as unknown.
    public func reader(diagnostics: ConfigDiagnostics) -> ConfigReader {
        var r = ConfigReader(node, context: context, diagnostics: diagnostics)
        for key in Self.keys { _ = r.node(key) }
        return r
    }

    /// Decodes the envelope of one entry of `sinks`; nil (with errors recorded) when unusable.
    /// Unknown keys are left to the plugin's reader.
    static func decode(_ node: ConfigNode, index: Int, sourceNames: [String], diagnostics: ConfigDiagnostics) -> SinkEnvelope? {
        let context = node["name"]?.scalar.map { "sink '\($0)'" } ?? "sinks[\(index)]"
        var r = ConfigReader(node, context: context, diagnostics: diagnostics)
        let name = r.required("name", as: String.self)
        let type = r.required("type", as: String.self)
        let typeNode = r.node("type")
        if let type, !ConfigName.isValid(type), let typeNode {
            diagnostics.error("\(context): 'type' must use only \(ConfigName.rule)", at: typeNode.location)
        }
        let filter = r.node("filter").map { Filter.decode($0, context: "\(context) filter", sourceNames: sourceNames, diagnostics: diagnostics) } ?? Filter()
        let ordering = r.choice("ordering", of: ["per_session", "none"], default: "per_session")
        let retry = r.node("retry").map { Retry.decode($0, context: "\(context) retry", diagnostics: diagnostics) } ?? Retry()
        let concurrency = r.optional("concurrency", default: 4, in: 1...1024)
        guard let name, let type else { return nil }
        var sink = SinkEnvelope(name: name, type: type, node: node)
        sink.typeLocation = typeNode?.location ?? node.location
        sink.filter = filter
        sink.ordering = Ordering(rawValue: ordering) ?? .perSession
        sink.retry = retry
        sink.concurrency = concurrency
        return sink
    }
}
