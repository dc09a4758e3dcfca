// The value language of a provider file's mapping, compiled once at load into a small tree that is
// only evaluated per request: paths, constants, headers, `coalesce`, `join`, `concat`, value maps.
// Kept deliberately closed; anything irregular belongs in a Swift normaliser (see Normalizer).

public import GatewayCore

public indirect enum MappingExpression: Sendable {
    /// Compiled paths, relative to the current scope (the document, or the element of an `each`):
    /// the first present and not null. One path is a list of one; a coalesce of paths is one list.
    case paths(JSONPathList)
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
        public var document: JSONDocument
        /// What paths are relative to: the document's root, or an element of an `each` or `join`.
        public var element: Element
        public var headers: HeaderFields
        /// The request's look-ups by interned paths (see `MappingExpression+Interning`), when the
        /// mapping made one.
        var memo: JSONPathMemo?

        /// A place in the document, or a value computed by an expression (the elements of a
        /// constant array): paths walk the first without building the values on their way.
        public enum Element {
            case node(JSONDocument.Node)
            case value(JSONValue)
        }

        public init(document: JSONDocument, headers: HeaderFields) {
            self.init(document: document, headers: headers, memo: nil)
        }

        init(document: JSONDocument, headers: HeaderFields, memo: JSONPathMemo?) {
            self.document = document
            self.element = .node(document.root)
            self.headers = headers
            self.memo = memo
        }

        func with(element: Element) -> Scope {
            var s = self
            s.element = element
            return s
        }

        /// The elements when `e` is an array, else nil.
        func elements(of e: Element) -> [Element]? {
            switch e {
            case .node(let n): document.kind(n) == .array ? document.elements(of: n).map { .node($0) } : nil
            case .value(.array(let a)): a.map { .value($0) }
            case .value: nil
            }
        }

        /// Where the first of `list`'s paths present and not null leads from the scope's element.
        func locate(_ list: JSONPathList) -> Element? {
            switch element {
            case .node(let n): list.firstPresent(in: document, from: n, memo: memo).map { .node($0) }
            case .value(let v): list.firstPresent(in: v).map { .value($0) }
            }
        }

        func isObject(_ e: Element) -> Bool {
            switch e {
            case .node(let n): document.kind(n) == .object
            case .value(let v): v.objectValue != nil
            }
        }
    }

    /// The value, or nil when absent. JSON null counts as absent, so mappings never distinguish
    /// "missing" from "null" (the schema writes both as null).
    public func evaluate(_ scope: Scope) -> JSONValue? {
        switch self {
        case .paths, .coalesce:
            // Located first, so a path's value is built only once it is chosen.
            switch locate(scope) {
            case .node(let n)?: return scope.document.value(at: n)
            case .value(let v)?: return v
            case nil: return nil
            }
        case .constant(let v):
            return v.isNull ? nil : v
        case .header(let names):
            return MappingExpression.header(names, scope).map { .string($0) }
        case .join(let items, let value, let separator):
            guard let container = items.locate(scope) else { return nil }
            let elements = scope.elements(of: container) ?? [container]
            var parts: [String] = []
            parts.reserveCapacity(elements.count)
            for e in elements {
                if let t = value.text(scope.with(element: e)), !t.isEmpty { parts.append(t) }
            }
            return parts.isEmpty ? nil : .string(parts.joined(separator: separator))
        case .concat(let parts):
            var out = ""
            for p in parts {
                guard let t = p.text(scope) else { return nil }
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

    /// `evaluate` as text (`text(_:)` of the value), without building a `JSONValue` for what is
    /// in the document: most fields a mapping fills are text (event name, session id, status),
    /// and the value was built only to be taken apart again.
    func text(_ scope: Scope) -> String? {
        switch self {
        case .paths, .coalesce:
            switch locate(scope) {
            case .node(let n)?: return scope.document.scalarText(n)
            case .value(let v)?: return MappingExpression.text(v)
            case nil: return nil
            }
        case .header(let names):
            return MappingExpression.header(names, scope)
        default:
            return evaluate(scope).flatMap(MappingExpression.text)
        }
    }

    /// The first of the request headers `names` present.
    private static func header(_ names: [String], _ scope: Scope) -> String? {
        for n in names { if let v = scope.headers.value(lowercased: n) { return v } }
        return nil
    }

    /// Where the value is, without building it when it is in the document (a path); nil when
    /// absent or null, like `evaluate`.
    func locate(_ scope: Scope) -> Scope.Element? {
        switch self {
        case .paths(let list):
            return scope.locate(list)
        case .coalesce(let options):
            // The operands are located rather than evaluated, so a list of paths (the usual
            // coalesce) builds no value either; the first present one wins, as in `evaluate`.
            // By index: `for o in options` retained the array and each operand.
            for i in options.indices { if let found = options[i].locate(scope) { return found } }
            return nil
        default:
            return evaluate(scope).map { .value($0) }
        }
    }

    /// The first present of `operands`: paths next to each other (`[a.b, c]`) become one list,
    /// walked without building or retaining anything per operand.
    static func coalescing(_ operands: [MappingExpression]) -> MappingExpression {
        var merged: [MappingExpression] = []
        for o in operands {
            if case .paths(let next) = o, case .paths(let last)? = merged.last {
                merged[merged.count - 1] = .paths(JSONPathList(last.paths + next.paths))
            } else {
                merged.append(o)
            }
        }
        return merged.count == 1 ? merged[0] : .coalesce(merged)
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
