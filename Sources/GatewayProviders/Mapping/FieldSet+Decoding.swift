// Decodes a `fields:` mapping: target name → expression, with `each` for participants and segments
// and `time` for occurred_at. Unknown targets are errors with a suggestion.

import GatewayCore

extension FieldSet {
    static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> FieldSet {
        var out = FieldSet()
        guard case .mapping(let pairs) = node.value else {
            if !node.isNull { diagnostics.error("\(context) must be a mapping of field → expression", at: node.location) }
            return out
        }
        let names = FieldTarget.allCases.map(\.rawValue) + ["extensions.<name>"]
        for (keyNode, valueNode) in pairs {
            guard let key = keyNode.scalar else {
                diagnostics.error("\(context): field names must be plain strings", at: keyNode.location)
                continue
            }
            let ctx = "\(context) field '\(key)'"
            if key.hasPrefix("extensions.") {
                let name = String(key.dropFirst("extensions.".count))
                guard !name.isEmpty else {
                    diagnostics.error("\(context): 'extensions.' needs a name", at: keyNode.location)
                    continue
                }
                if let e = MappingExpression.decode(valueNode, context: ctx, diagnostics: diagnostics) { out.extensions.append((name, e)) }
                continue
            }
            guard let target = FieldTarget(rawValue: key) else {
                diagnostics.error("unknown field '\(key)' in \(context)\(ConfigReader.suggestion(for: key, in: names))", at: keyNode.location)
                continue
            }
            if let sub = target.elementFields {
                if let rule = decodeEach(valueNode, fields: sub, context: ctx, diagnostics: diagnostics) { out[target] = rule }
            } else if target == .occurredAt {
                if let rule = decodeTime(valueNode, context: ctx, diagnostics: diagnostics) { out[target] = rule }
            } else if let e = MappingExpression.decode(valueNode, context: ctx, diagnostics: diagnostics) {
                out[target] = .value(e)
            }
        }
        return out
    }

    /// `{path: x, time: epoch_ms}`; a bare path or list means `time: auto`.
    private static func decodeTime(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> FieldRule? {
        var format = TimeFormat.auto
        if case .mapping = node.value, let f = node["time"] {
            if let s = f.scalar, let tf = TimeFormat(rawValue: s) {
                format = tf
            } else {
                let options = TimeFormat.allCases.map(\.rawValue)
                diagnostics.error("\(context): 'time' must be one of \(options.joined(separator: ", "))"
                                  + ConfigReader.suggestion(for: f.scalar ?? "", in: options), at: f.location)
            }
        }
        guard let e = MappingExpression.decode(node, context: context, diagnostics: diagnostics, extraKeys: ["time"]) else { return nil }
        return .time(e, format)
    }

    /// `{each: path, fields: {...}}`.
    private static func decodeEach(_ node: ConfigNode, fields: [String], context: String, diagnostics: ConfigDiagnostics) -> FieldRule? {
        var r = ConfigReader(node, context: context, diagnostics: diagnostics)
        let items = r.node("each").flatMap { MappingExpression.decode($0, context: "\(context) key 'each'", diagnostics: diagnostics) }
        if r.node("each") == nil { diagnostics.error("\(context): missing required key 'each'", at: node.location) }
        var sub: [String: MappingExpression] = [:]
        if let f = r.node("fields") {
            if case .mapping(let pairs) = f.value {
                for (k, v) in pairs {
                    guard let name = k.scalar, fields.contains(name) else {
                        diagnostics.error("unknown field '\(k.scalar ?? "?")' in \(context) (one of \(fields.joined(separator: ", ")))"
                                          + ConfigReader.suggestion(for: k.scalar ?? "", in: fields), at: k.location)
                        continue
                    }
                    if let e = MappingExpression.decode(v, context: "\(context) field '\(name)'", diagnostics: diagnostics) { sub[name] = e }
                }
            } else {
                diagnostics.error("\(context): 'fields' must be a mapping", at: f.location)
            }
        } else {
            diagnostics.error("\(context): missing required key 'fields'", at: node.location)
        }
        r.finish()
        guard let items else { return nil }
        return .each(items: items, fields: sub)
    }
}
