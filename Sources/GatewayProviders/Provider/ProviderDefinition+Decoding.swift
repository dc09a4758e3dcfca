// Decodes a provider file (docs/PROVIDERS-FORMAT.md). Every key is checked strictly and every
// problem is reported with file:line:col; a file with errors yields no definition.
//
//   id: recall                 name: Recall.ai
//   verify: {...}              detect: {headers: [...]}
//   dedupe: "{delivery_id}"    or {key: "...", events: {event: "..."}}
//   mapping: {...}             or normalizer: <name of a Swift normaliser>
//   responses: {event: <JSON>}
//   fixture_defaults: {...}    keys every fixture gets unless it sets them (secret, now, sign, ...)
//   fixtures: [...]

public import GatewayCore

extension ProviderDefinition {
    public static func decode(_ node: ConfigNode, file: String, normalizers: NormalizerRegistry,
                              diagnostics: ConfigDiagnostics) -> ProviderDefinition? {
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
        let mappingNode = r.node("mapping")
        let normalizerNode = r.node("normalizer")
        var normalizer: (any Normalizer)?
        switch (mappingNode, normalizerNode) {
        case (let m?, nil):
            normalizer = MappingNormalizer.decode(m, provider: id, context: "\(ctx) mapping", diagnostics: diagnostics)
        case (nil, let n?):
            if let nm = String.decode(n, context: "\(ctx) key 'normalizer'", diagnostics: diagnostics) {
                normalizer = normalizers[nm]
                if normalizer == nil {
                    diagnostics.error("\(ctx): no Swift normalizer named '\(nm)' (registered: \(normalizers.names.joined(separator: ", ")))"
                                      + ConfigReader.suggestion(for: nm, in: normalizers.names), at: n.location)
                }
            }
        case (_?, let n?):
            diagnostics.error("\(ctx): give either 'mapping' or 'normalizer', not both", at: n.location)
        case (nil, nil):
            diagnostics.error("\(ctx): missing 'mapping' (or 'normalizer')", at: node.location)
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
        guard diagnostics.errors.count == errorsBefore, let scheme, let normalizer, let dedupe else { return nil }
        return ProviderDefinition(id: id, displayName: name, file: file, verification: scheme, detectionHeaders: detect,
                                  dedupe: dedupe, normalizer: normalizer, responses: responses, fixtures: fixtures)
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
