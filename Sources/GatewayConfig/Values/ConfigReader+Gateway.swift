// Small reading helpers shared by the gateway.yaml sections.

import GatewayCore

extension ConfigReader {
    /// An optional value that must lie in `range` when present; nil when absent or invalid.
    mutating func optional<T: ConfigDecodable & Comparable>(_ key: String, in range: ClosedRange<T>) -> T? {
        guard let n = node(key), !n.isNull else { return nil }
        guard let v = T.decode(n, context: "\(context) key '\(key)'", diagnostics: diagnostics) else { return nil }
        guard range.contains(v) else {
            diagnostics.error("\(context): '\(key)' must be between \(range.lowerBound) and \(range.upperBound)", at: n.location)
            return nil
        }
        return v
    }

    /// A list of strings (a single string counts as a one-element list), each with its location.
    mutating func locatedStrings(_ key: String) -> [(text: String, location: SourceLocation)] {
        guard let n = node(key), !n.isNull else { return [] }
        let items: [ConfigNode]
        switch n.value {
        case .sequence(let list): items = list
        case .scalar: items = [n]
        default:
            diagnostics.error("\(context) key '\(key)' must be a string or a list of strings, found \(n.kindDescription)", at: n.location)
            return []
        }
        var out: [(text: String, location: SourceLocation)] = []
        for (i, item) in items.enumerated() {
            if let s = String.decode(item, context: "\(context) key '\(key)'[\(i)]", diagnostics: diagnostics) {
                out.append((s, item.location))
            }
        }
        return out
    }
}

extension ConfigDuration {
    static func ms(_ v: Double) -> ConfigDuration { ConfigDuration(seconds: v / 1000) }
    static func s(_ v: Double) -> ConfigDuration { ConfigDuration(seconds: v) }
    static func m(_ v: Double) -> ConfigDuration { ConfigDuration(seconds: v * 60) }
    static func h(_ v: Double) -> ConfigDuration { ConfigDuration(seconds: v * 3600) }
    static func d(_ v: Double) -> ConfigDuration { ConfigDuration(seconds: v * 86400) }
}

extension ConfigByteSize {
    static func kib(_ v: Int) -> ConfigByteSize { ConfigByteSize(bytes: v << 10) }
    static func mib(_ v: Int) -> ConfigByteSize { ConfigByteSize(bytes: v << 20) }
    static func gib(_ v: Int) -> ConfigByteSize { ConfigByteSize(bytes: v << 30) }
}
