// Header names as a `verify:` section writes them.

import GatewayCore

/// Header-name lists as the verify section writes them: one name or a list, validated as HTTP
/// field names (RFC 9110 §5.1 token) and lowercased.
enum HeaderNames {
    static func decode(_ node: ConfigNode?, key: String, reader: ConfigReader) -> [String]? {
        guard let node, !node.isNull else {
            reader.diagnostics.error("\(reader.context): missing required key '\(key)'", at: reader.location)
            return nil
        }
        guard let names = [String].decode(node, context: "\(reader.context) key '\(key)'", diagnostics: reader.diagnostics) else {
            return nil
        }
        guard !names.isEmpty else {
            reader.diagnostics.error("\(reader.context): '\(key)' must name at least one header", at: node.location)
            return nil
        }
        for name in names where name.isEmpty || !name.utf8.allSatisfy(isTokenByte) {
            reader.diagnostics.error("\(reader.context): '\(name)' in '\(key)' is not a valid header name", at: node.location)
            return nil
        }
        let lowered = names.map(HeaderFields.lowercase)
        guard Set(lowered).count == lowered.count else {
            reader.diagnostics.error("\(reader.context): '\(key)' lists a header twice", at: node.location)
            return nil
        }
        return lowered
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }
}
