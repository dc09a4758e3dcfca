// A mapping's paths interned together at load (`JSONPathPrefixes`), so that per request each
// prefix they share is looked up once (`JSONPathMemo`). Only paths read from the document's root
// are interned: an `each`'s sub-fields and a `join`'s value are relative to an element, and a
// memo records look-ups from the root only.

import GatewayCore

extension MappingExpression {
    func interned(_ prefixes: inout JSONPathPrefixes) -> MappingExpression {
        switch self {
        case .paths(let list):
            return .paths(prefixes.intern(list))
        case .constant, .header:
            return self
        case .coalesce(let operands):
            var out: [MappingExpression] = []
            for o in operands { out.append(o.interned(&prefixes)) }
            return .coalesce(out)
        case .join(let items, let value, let separator):
            return .join(items: items.interned(&prefixes), value: value, separator: separator)
        case .concat(let parts):
            var out: [MappingExpression] = []
            for p in parts { out.append(p.interned(&prefixes)) }
            return .concat(out)
        case .mapped(let operand, let table, let fallback):
            return .mapped(operand.interned(&prefixes), table: table, fallback: fallback)
        }
    }
}

extension FieldSet {
    func interned(_ prefixes: inout JSONPathPrefixes) -> FieldSet {
        var out = FieldSet()
        for target in FieldTarget.allCases {
            switch self[target] {
            case .value(let e)?: out[target] = .value(e.interned(&prefixes))
            case .time(let e, let format)?: out[target] = .time(e.interned(&prefixes), format)
            case .each(let items, let fields)?: out[target] = .each(items: items.interned(&prefixes), fields: fields)
            case nil: break
            }
        }
        var extensions: [(String, MappingExpression)] = []
        for (name, e) in self.extensions { extensions.append((name, e.interned(&prefixes))) }
        out.extensions = extensions
        return out
    }
}

extension MappingNormalizer.EventRule {
    func interned(_ prefixes: inout JSONPathPrefixes) -> MappingNormalizer.EventRule {
        let t: MappingNormalizer.TypeRule = switch type {
        case .fixed: type
        case .computed(let e): .computed(e.interned(&prefixes))
        }
        return .init(type: t, fields: fields.interned(&prefixes), sessionKind: sessionKind)
    }
}
