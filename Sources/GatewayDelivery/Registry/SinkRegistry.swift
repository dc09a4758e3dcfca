// The sink types a gateway knows: an explicit list (no registration by side effect), so the
// compiled-in set is visible in one place and tests can build registries of their own.

public import GatewayCore

public struct SinkRegistry: Sendable {
    public let factories: [SinkFactory]

    public init(_ factories: [SinkFactory]) { self.factories = factories }

    /// The built-in types: `http`, `file`, `stdout`.
    public static let builtIn = SinkRegistry([.http, .file, .stdout])

    public var types: [String] { factories.map(\.type) }

    /// Builds the sink of `type` from `reader`, a reader on the sink's node on which the host
    /// already read (marked) its envelope keys. Unknown types and unknown keys are reported with
    /// file:line:col; returns nil when anything is wrong.
    public func makeSink(type: String, typeLocation: SourceLocation, reader: ConfigReader, context: SinkContext) -> (any Sink)? {
        guard let factory = factories.first(where: { $0.type == type }) else {
            reader.diagnostics.error(
                "\(reader.context): unknown sink type '\(type)'; known types: \(types.joined(separator: ", "))"
                    + ConfigReader.suggestion(for: type, in: types),
                at: typeLocation)
            return nil
        }
        var r = reader
        let before = r.diagnostics.errors.count
        let sink = factory.decode(&r, context)
        r.finish()
        return r.diagnostics.errors.count == before ? sink : nil
    }

    /// Convenience for callers holding just the node: marks `envelopeKeys` known, reads `type`.
    public func makeSink(node: ConfigNode, envelopeKeys: [String], context: SinkContext, diagnostics: ConfigDiagnostics) -> (any Sink)? {
        var r = ConfigReader(node, context: "sink '\(context.name)'", diagnostics: diagnostics)
        for key in envelopeKeys where key != "type" { _ = r.node(key) }
        guard let type = r.required("type", as: String.self) else { return nil }
        let location = node["type"]?.location ?? node.location
        return makeSink(type: type, typeLocation: location, reader: r, context: context)
    }
}
