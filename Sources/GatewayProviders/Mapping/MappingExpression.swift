// The value language of a provider file's mapping, compiled once at load into a small tree that is
// only evaluated per request: paths, constants, headers, `coalesce`, `join`, `concat`, value maps.
// Kept deliberately closed; anything irregular belongs in a Swift normaliser (see Normalizer).

public import GatewayCore

public indirect enum MappingExpression: Sendable {
    /// A compiled path, relative to the current scope (the document, or the element of an `each`).
    case path(JSONPath)
    case constant(JSONValue)
    /// The first request header present among the names (lowercased).
    case header([String])
    /// The first operand that is present and not null.
    case coalesce([MappingExpression])
    /// Each element of the array `items` evaluates `value`; non-null results joined as text.
    case join(items: MappingExpression, value: MappingExpression, separator: String)
    /// Parts rendered as text and concatenated; null when any part is missing.
    case concat([MappingExpression])
    /// A lookup table over the operand's text; `fallback` when it is absent from the table
    /// (nil fallback keeps the operand's own value).
    case mapped(MappingExpression, table: [String: JSONValue], fallback: JSONValue?)

    /// What an expression sees while it runs.
    public struct Scope {
        public var document: JSONValue
        public var element: JSONValue
        public var headers: HeaderFields

        public init(document: JSONValue, element: JSONValue, headers: HeaderFields) {
            self.document = document
            self.element = element
            self.headers = headers
        }

        func with(element: JSONValue) -> Scope {
            Scope(document: document, element: element, headers: headers)
        }
    }

    /// The value, or nil when absent. JSON null counts as absent, so mappings never distinguish
    /// "missing" from "null" (the schema writes both as null).
    public func evaluate(_ scope: Scope) -> JSONValue? {
        switch self {
        case .path(let p):
            guard let v = p.evaluate(scope.element), !v.isNull else { return nil }
            return v
        case .constant(let v):
            return v.isNull ? nil : v
        case .header(let names):
            for n in names { if let v = scope.headers[n] { return .string(v) } }
            return nil
        case .coalesce(let options):
            for o in options { if let v = o.evaluate(scope) { return v } }
            return nil
        case .join(let items, let value, let separator):
            guard let container = items.evaluate(scope) else { return nil }
            let elements: [JSONValue]
            switch container {
            case .array(let a): elements = a
            default: elements = [container]
            }
            var parts: [String] = []
            parts.reserveCapacity(elements.count)
            for e in elements {
                if let v = value.evaluate(scope.with(element: e)), let t = MappingExpression.text(v), !t.isEmpty {
                    parts.append(t)
                }
            }
            return parts.isEmpty ? nil : .string(parts.joined(separator: separator))
        case .concat(let parts):
            var out = ""
            for p in parts {
                guard let v = p.evaluate(scope), let t = MappingExpression.text(v) else { return nil }
                out += t
            }
            return .string(out)
        case .mapped(let operand, let table, let fallback):
            guard let v = operand.evaluate(scope) else { return fallback.flatMap { $0.isNull ? nil : $0 } }
            if let t = MappingExpression.text(v), let hit = table[t] { return hit.isNull ? nil : hit }
            if let fallback { return fallback.isNull ? nil : fallback }
            return v
        }
    }

    /// Scalars as text (numbers keep their literal); containers have no text form.
    static func text(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}
