// Decodes a provider file (docs/PROVIDERS-FORMAT.md). Every key is checked strictly and every
// problem is reported with file:line:col; a file with errors yields no definition.
//
//   id: recall                 name: Recall.ai
//   verify: {...}              detect: {headers: [...]}
//   dedupe: "{delivery_id}"    or {key: "...", events: {event: "..."}}
//   mapping: {...}             or normalizer: <name of a Swift normaliser>
//                              or mapping_from: <id of a provider whose mapping is reused>
//   responses: {event: <JSON>}
//   fixture_defaults: {...}    keys every fixture gets unless it sets them (secret, now, sign, ...)
//   fixtures: [...]

public import GatewayCore

/// A provider file decoded on its own. Complete, except that a file may reuse another provider's
/// mapping (`mapping_from:`), which only the set of files loaded with it can supply:
/// `ProviderRegistry.resolve` turns decoded files into definitions once every file is decoded.
public struct DecodedProvider: Sendable {
    enum Normalization: Sendable {
        /// `mapping:`
        case mapping(MappingNormalizer)
        /// `normalizer: NAME`
        case swift(name: String, any Normalizer)
        /// `mapping_from: ID`, and where the id is written (for errors).
        case reused(from: String, at: SourceLocation)
    }

    public let id: String
    public let file: String
    let normalization: Normalization
    /// The definition, given the normaliser (the file's own, or the reused mapping).
    let make: @Sendable (any Normalizer) -> ProviderDefinition
}

extension ProviderDefinition {
    public static func decode(_ node: ConfigNode, file: String, normalizers: NormalizerRegistry,
                              diagnostics: ConfigDiagnostics) -> DecodedProvider? {
        let errorsBefore = diagnostics.errors.count
        var r = ConfigReader(node, context: "provider file", diagnostics: diagnostics)
        let id = r.required("id", as: String.self) ?? ""
        if !id.isEmpty, !id.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }) {
            diagnostics.error("provider id '\(id)' must match [a-z0-9_-]+", at: r.node("id")?.location ?? node.location)
        }
        let ctx = "provider '\(id)'"
        let name = r.optional("name", default: id)
        var scheme: (any VerificationScheme)?
        if let v = r.node("verify") {
            scheme = VerificationSchemes.decode(v, context: "\(ctx) verify", diagnostics: diagnostics)
        } else {
            diagnostics.error("\(ctx): missing required key 'verify'", at: node.location)
        }
        var detect: [String]?
        if let d = r.node("detect") {
            var dr = ConfigReader(d, context: "\(ctx) detect", diagnostics: diagnostics)
            detect = dr.required("headers", as: [String].self)?.map(HeaderFields.lowercase)
            dr.finish()
        }
        let dedupe = decodeDedupe(r.node("dedupe"), context: ctx, at: node.location, diagnostics: diagnostics)
        // Exactly one of `mapping`, `normalizer`, `mapping_from`.
        let choices = ["mapping", "normalizer", "mapping_from"].compactMap { key in r.node(key).map { (key, $0) } }
            .sorted { ($0.1.location.line, $0.1.location.column) < ($1.1.location.line, $1.1.location.column) }
        var normalization: DecodedProvider.Normalization?
        switch choices.first {
        case _ where choices.count > 1:
            diagnostics.error("\(ctx): give only one of 'mapping', 'normalizer' or 'mapping_from', not '\(choices[0].0)' and '\(choices[1].0)'",
                              at: choices[1].1.location)
        case ("mapping", let m)?:
            normalization = .mapping(MappingNormalizer.decode(m, provider: id, context: "\(ctx) mapping", diagnostics: diagnostics))
        case ("normalizer", let n)?:
            if let nm = String.decode(n, context: "\(ctx) key 'normalizer'", diagnostics: diagnostics) {
                if let normalizer = normalizers[nm] {
                    normalization = .swift(name: nm, normalizer)
                } else {
                    diagnostics.error("\(ctx): no Swift normalizer named '\(nm)' (registered: \(normalizers.names.joined(separator: ", ")))"
                                      + ConfigReader.suggestion(for: nm, in: normalizers.names), at: n.location)
                }
            }
        case (_, let f)?:
            if let from = String.decode(f, context: "\(ctx) key 'mapping_from'", diagnostics: diagnostics) {
                normalization = .reused(from: from, at: f.location)
            }
        case nil:
            diagnostics.error("\(ctx): missing 'mapping' (or 'normalizer', or 'mapping_from')", at: node.location)
        }
        var responses: [String: [UInt8]] = [:]
        if let resp = r.node("responses") {
            if case .mapping(let pairs) = resp.value {
                for (k, v) in pairs { if let event = k.scalar { responses[event] = v.jsonValue().serialized() } }
            } else {
                diagnostics.error("\(ctx): 'responses' must map vendor event names to JSON bodies", at: resp.location)
            }
        }
        var fixtures: [Fixture] = []
        let defaults = r.node("fixture_defaults")
        if let defaults, !defaults.isNull, case .mapping = defaults.value {} else if let defaults, !defaults.isNull {
            diagnostics.error("\(ctx): 'fixture_defaults' must be a mapping", at: defaults.location)
        }
        if let f = r.node("fixtures") {
            if case .sequence(let items) = f.value {
                for (i, item) in items.enumerated() {
                    let merged = Fixture.applying(defaults: defaults, to: item)
                    if let fx = Fixture.decode(merged, index: i, provider: id, diagnostics: diagnostics) { fixtures.append(fx) }
                }
            } else if !f.isNull {
                diagnostics.error("\(ctx): 'fixtures' must be a list", at: f.location)
            }
        }
        r.finish()
        guard diagnostics.errors.count == errorsBefore, let scheme, let normalization, let dedupe else { return nil }
        return DecodedProvider(id: id, file: file, normalization: normalization) { [detect, responses, fixtures] normalizer in
            ProviderDefinition(id: id, displayName: name, file: file, verification: scheme, detectionHeaders: detect,
                               dedupe: dedupe, normalizer: normalizer, responses: responses, fixtures: fixtures)
        }
    }

    /// `dedupe: "<template>"` or `{key: "<template>", events: {<event>: "<template>"}}`.
    private static func decodeDedupe(_ node: ConfigNode?, context: String, at location: SourceLocation,
                                     diagnostics: ConfigDiagnostics) -> DedupeRule? {
        guard let node else {
            diagnostics.error("\(context): missing required key 'dedupe'", at: location)
            return nil
        }
        func template(_ n: ConfigNode) -> DedupeTemplate? {
            guard let s = String.decode(n, context: "\(context) dedupe", diagnostics: diagnostics) else { return nil }
            do throws(DedupeTemplate.SyntaxError) { return try DedupeTemplate(compiling: s) } catch {
                diagnostics.error("\(context): \(error.description)", at: n.location)
                return nil
            }
        }
        if node.scalar != nil { return template(node).map { DedupeRule(key: $0) } }
        var r = ConfigReader(node, context: "\(context) dedupe", diagnostics: diagnostics)
        let key = r.node("key").flatMap(template)
        if r.node("key") == nil { diagnostics.error("\(context) dedupe: missing required key 'key'", at: node.location) }
        var events: [String: DedupeTemplate] = [:]
        if let e = r.node("events") {
            if case .mapping(let pairs) = e.value {
                for (k, v) in pairs { if let name = k.scalar, let t = template(v) { events[name] = t } }
            } else {
                diagnostics.error("\(context) dedupe: 'events' must map vendor event names to templates", at: e.location)
            }
        }
        r.finish()
        return key.map { DedupeRule(key: $0, events: events) }
    }
}
