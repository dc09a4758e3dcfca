// Compiles a provider file's expression nodes. Forms (docs/PROVIDERS-FORMAT.md, "Expressions"):
//   data.bot.id                         a path (a scalar is always a path)
//   [a.b, c]                            coalesce (a list is sugar for {coalesce: [...]})
//   {path: a.b}  {const: x}  {header: [svix-id, webhook-id]}  {coalesce: [...]}
//   {join: words, value: text, separator: " "}   {concat: [speaker, {const: ": "}, text]}
//   any of those + {map: {from: to}, default: x}

import GatewayCore

extension MappingExpression {
    static let sourceKeys = ["path", "const", "header", "coalesce", "join", "concat"]

    /// Compiles `node`; records problems in `diagnostics` and returns nil on error.
    /// `extraKeys` are keys the caller reads itself from the same mapping (e.g. `time`).
    static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics,
                       extraKeys: [String] = []) -> MappingExpression? {
        switch node.value {
        case .null:
            return .constant(.null)
        case .scalar(let text, _):
            return compilePath(text, at: node, context: context, diagnostics: diagnostics)
        case .sequence(let items):
            let ops = items.enumerated().compactMap {
                decode($0.element, context: "\(context)[\($0.offset)]", diagnostics: diagnostics)
            }
            return ops.count == items.count ? coalescing(ops) : nil
        case .mapping:
            return decodeMapping(node, context: context, diagnostics: diagnostics, extraKeys: extraKeys)
        }
    }

    static func compilePath(_ text: String, at node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> MappingExpression? {
        do throws(JSONPath.SyntaxError) {
            return .paths(JSONPathList([try JSONPath.compile(text)]))
        } catch {
            diagnostics.error("\(context): \(error.message)", at: node.location)
            return nil
        }
    }

    private static func decodeMapping(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics,
                                      extraKeys: [String]) -> MappingExpression? {
        var r = ConfigReader(node, context: context, diagnostics: diagnostics)
        let present = r.keys.filter { sourceKeys.contains($0) }
        var result: MappingExpression?
        if present.count != 1 {
            diagnostics.error(
                "\(context): an expression needs exactly one of \(sourceKeys.joined(separator: ", "))"
                + (present.isEmpty ? "" : " (found \(present.joined(separator: ", ")))"), at: node.location)
        }
        if let n = r.node("path") {
            if let s = String.decode(n, context: "\(context) key 'path'", diagnostics: diagnostics) {
                result = compilePath(s, at: n, context: context, diagnostics: diagnostics)
            }
        }
        if let n = r.node("const") {
            result = .constant(n.jsonValue())
        }
        if let n = r.node("header") {
            let names: [String]?
            if n.scalar != nil { names = String.decode(n, context: "\(context) key 'header'", diagnostics: diagnostics).map { [$0] } }
            else { names = [String].decode(n, context: "\(context) key 'header'", diagnostics: diagnostics) }
            if let names { result = .header(names.map(HeaderFields.lowercase)) }
        }
        if let n = r.node("coalesce") {
            if case .sequence(let items) = n.value {
                let ops = items.enumerated().compactMap { decode($0.element, context: "\(context) coalesce[\($0.offset)]", diagnostics: diagnostics) }
                if ops.count == items.count { result = coalescing(ops) }
            } else {
                diagnostics.error("\(context): 'coalesce' takes a list of expressions", at: n.location)
            }
        }
        if let n = r.node("join") {
            let items = decode(n, context: "\(context) key 'join'", diagnostics: diagnostics)
            let value = r.node("value").map { decode($0, context: "\(context) key 'value'", diagnostics: diagnostics) } ?? .paths(JSONPathList([.root]))
            let separator = r.optional("separator", default: " ")
            if let items, let value { result = .join(items: items, value: value, separator: separator) }
        } else if let v = r.node("value") {
            diagnostics.error("\(context): 'value' only applies to 'join'", at: v.location)
        }
        if let n = r.node("concat") {
            if case .sequence(let items) = n.value {
                let ops = items.enumerated().compactMap { decode($0.element, context: "\(context) concat[\($0.offset)]", diagnostics: diagnostics) }
                if ops.count == items.count { result = .concat(ops) }
            } else {
                diagnostics.error("\(context): 'concat' takes a list of expressions", at: n.location)
            }
        }
        if r.keys.contains("separator") && !r.keys.contains("join") {
            _ = r.node("separator")
            diagnostics.error("\(context): 'separator' only applies to 'join'", at: node.location)
        }
        let tableNode = r.node("map")
        let fallbackNode = r.node("default")
        for k in extraKeys { _ = r.node(k) }
        r.finish()
        guard present.count == 1, var expr = result else { return nil }
        if let tableNode {
            guard case .mapping(let pairs) = tableNode.value else {
                diagnostics.error("\(context): 'map' must be a mapping of value → value", at: tableNode.location)
                return nil
            }
            var table: [String: JSONValue] = [:]
            for (k, v) in pairs {
                guard let key = k.scalar else {
                    diagnostics.error("\(context): 'map' keys must be scalars", at: k.location)
                    continue
                }
                table[key] = v.jsonValue()
            }
            expr = .mapped(expr, table: table, fallback: fallbackNode?.jsonValue())
        } else if let fallbackNode {
            expr = .coalesce([expr, .constant(fallbackNode.jsonValue())])
        }
        return expr
    }
}
