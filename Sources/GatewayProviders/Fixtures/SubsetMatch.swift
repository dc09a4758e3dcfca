// "The event contains at least this": fixtures state only the fields they care about. Objects
// match by the expected keys, arrays element-wise with equal length, numbers by value, and an
// expected null also accepts an absent member.

import GatewayCore

enum SubsetMatch {
    /// nil when `actual` contains `expected`, else a message naming the first differing path.
    static func mismatch(expected: JSONValue, actual: JSONValue?, path: String) -> String? {
        switch expected {
        case .null:
            if actual == nil || actual == .null { return nil }
        case .object(let e):
            guard case .object(let a)? = actual else { return "\(path): expected an object, got \(render(actual))" }
            for m in e.members {
                if let problem = mismatch(expected: m.value, actual: a[m.key], path: "\(path).\(m.key)") { return problem }
            }
            return nil
        case .array(let e):
            guard case .array(let a)? = actual else { return "\(path): expected an array, got \(render(actual))" }
            guard a.count == e.count else { return "\(path): expected \(e.count) elements, got \(a.count): \(render(actual))" }
            for (i, pair) in zip(e, a).enumerated() {
                if let problem = mismatch(expected: pair.0, actual: pair.1, path: "\(path)[\(i)]") { return problem }
            }
            return nil
        case .number(let e):
            if case .number(let a)? = actual, a == e || (Double(a) != nil && Double(a) == Double(e)) { return nil }
        default:
            if actual == expected { return nil }
        }
        return "\(path): expected \(render(expected)), got \(render(actual))"
    }

    static func render(_ v: JSONValue?) -> String {
        guard let v else { return "nothing" }
        let text = String(decoding: v.serialized(), as: UTF8.self)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
