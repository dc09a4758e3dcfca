// The configuration tree every YAML document becomes: scalars, sequences and mappings, each node
// remembering its source location. Decoders read it through `ConfigReader` (strict, all errors at once).

public struct ConfigNode: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// A scalar's text. `quoted` is true for single- or double-quoted scalars, which are
        /// always strings (so `"yes"` and `"null"` stay text).
        case scalar(String, quoted: Bool)
        case sequence([ConfigNode])
        /// Keys keep their document order; duplicates are rejected by the loader.
        case mapping([(key: ConfigNode, value: ConfigNode)])
        case null

        public static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case let (.scalar(a, qa), .scalar(b, qb)): return a == b && qa == qb
            case let (.sequence(a), .sequence(b)): return a == b
            case let (.mapping(a), .mapping(b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            case (.null, .null): return true
            default: return false
            }
        }
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// A short name of the node's kind for error messages ("a mapping", "a string", ...).
    public var kindDescription: String {
        switch value {
        case .scalar: return "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .null: return "null"
        }
    }

    public var scalar: String? {
        if case .scalar(let s, _) = value { return s }
        return nil
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The value under `key` in a mapping node, or nil.
    public subscript(key: String) -> ConfigNode? {
        guard case .mapping(let pairs) = value else { return nil }
        return pairs.first { $0.key.scalar == key }?.value
    }

    /// Builds a node tree from literals, for defaults and tests.
    public static func mapping(_ pairs: [(String, ConfigNode)], at location: SourceLocation = .builtIn()) -> ConfigNode {
        ConfigNode(.mapping(pairs.map { (ConfigNode(.scalar($0.0, quoted: false), at: location), $0.1) }), at: location)
    }

    public static func string(_ text: String, at location: SourceLocation = .builtIn()) -> ConfigNode {
        ConfigNode(.scalar(text, quoted: true), at: location)
    }
}
