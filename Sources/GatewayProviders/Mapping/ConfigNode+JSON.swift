// Provider files write constants, canned responses and fixture bodies in YAML; this turns a YAML
// node into the JSON it stands for. Unquoted scalars follow YAML 1.2's core schema for null,
// booleans and numbers; quoted scalars are always strings.

public import GatewayCore

extension ConfigNode {
    /// The JSON value this node stands for (used for constants, canned responses, fixture bodies).
    public func jsonValue() -> JSONValue {
        switch value {
        case .null:
            return .null
        case .scalar(let s, let quoted):
            if quoted { return .string(s) }
            switch s {
            case "null", "Null", "NULL", "~": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default:
                if ConfigNode.isJSONNumber(s) { return .number(s) }
                return .string(s)
            }
        case .sequence(let items):
            return .array(items.map { $0.jsonValue() })
        case .mapping(let pairs):
            return .object(JSONObject(pairs.map { (key: $0.key.scalar ?? "", value: $0.value.jsonValue()) }))
        }
    }

    /// RFC 8259 number grammar, so an unquoted YAML number can be written as JSON unchanged.
    static func isJSONNumber(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        func digit() -> Bool { i < b.count && b[i] &- 0x30 < 10 }
        if i < b.count, b[i] == 0x2D { i += 1 }
        guard digit() else { return false }
        if b[i] == 0x30 { i += 1 } else { while digit() { i += 1 } }
        if i < b.count, b[i] == 0x2E {
            i += 1
            guard digit() else { return false }
            while digit() { i += 1 }
        }
        if i < b.count, b[i] | 0x20 == 0x65 {
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            guard digit() else { return false }
            while digit() { i += 1 }
        }
        return i == b.count
    }
}
