// Strict decoding of one configuration mapping. A reader hands out values by key, records each
// problem in the shared diagnostics and carries on; `finish()` then reports every key nobody
// asked for, with the nearest valid key as a suggestion (`retires` → did you mean `retry`?).

public struct ConfigReader {
    public let node: ConfigNode
    /// Names the thing being decoded in messages, e.g. "sink 'ops'".
    public let context: String
    public let diagnostics: ConfigDiagnostics
    private var known: [String] = []
    private let pairs: [(key: ConfigNode, value: ConfigNode)]

    public init(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) {
        self.node = node
        self.context = context
        self.diagnostics = diagnostics
        switch node.value {
        case .mapping(let p): pairs = p
        case .null: pairs = []
        default:
            diagnostics.error("\(context) must be a mapping, found \(node.kindDescription)", at: node.location)
            pairs = []
        }
    }

    public var location: SourceLocation { node.location }

    /// The keys present in the mapping, in document order.
    public var keys: [String] { pairs.compactMap { $0.key.scalar } }

    /// The raw node under `key`, marking the key as understood.
    public mutating func node(_ key: String) -> ConfigNode? {
        known.append(key)
        return pairs.first { $0.key.scalar == key }?.value
    }

    /// A required value: records "missing required key" when absent.
    public mutating func required<T: ConfigDecodable>(_ key: String, as type: T.Type = T.self) -> T? {
        guard let n = node(key), !n.isNull else {
            diagnostics.error("\(context): missing required key '\(key)'", at: location)
            return nil
        }
        return T.decode(n, context: "\(context) key '\(key)'", diagnostics: diagnostics)
    }

    /// An optional value, nil when absent or null.
    public mutating func optional<T: ConfigDecodable>(_ key: String, as type: T.Type = T.self) -> T? {
        guard let n = node(key), !n.isNull else { return nil }
        return T.decode(n, context: "\(context) key '\(key)'", diagnostics: diagnostics)
    }

    /// An optional value with a default.
    public mutating func optional<T: ConfigDecodable>(_ key: String, default value: T) -> T {
        optional(key, as: T.self) ?? value
    }

    /// A value that must lie in `range`; out-of-range values are reported and replaced by the default.
    public mutating func optional<T: ConfigDecodable & Comparable>(
        _ key: String, default value: T, in range: ClosedRange<T>
    ) -> T {
        guard let n = node(key), !n.isNull else { return value }
        guard let v = T.decode(n, context: "\(context) key '\(key)'", diagnostics: diagnostics) else { return value }
        guard range.contains(v) else {
            diagnostics.error(
                "\(context): '\(key)' must be between \(range.lowerBound) and \(range.upperBound)", at: n.location)
            return value
        }
        return v
    }

    /// One of a closed set of words; anything else is reported with the nearest valid word.
    public mutating func choice(_ key: String, of options: [String], default value: String) -> String {
        guard let n = node(key), !n.isNull else { return value }
        guard let s = String.decode(n, context: "\(context) key '\(key)'", diagnostics: diagnostics) else { return value }
        guard options.contains(s) else {
            diagnostics.error(
                "\(context): '\(key)' must be one of \(options.joined(separator: ", "))\(Self.suggestion(for: s, in: options))",
                at: n.location)
            return value
        }
        return s
    }

    /// Reports every key that was not read. Call once, after the last read.
    public func finish() {
        for pair in pairs {
            guard let key = pair.key.scalar else {
                diagnostics.error("\(context): keys must be plain strings", at: pair.key.location)
                continue
            }
            if !known.contains(key) {
                diagnostics.error("unknown key '\(key)' in \(context)\(Self.suggestion(for: key, in: known))",
                                  at: pair.key.location)
            }
        }
    }

    /// " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".
    public static func suggestion(for word: String, in candidates: [String]) -> String {
        var best: (String, Int)?
        for c in candidates {
            let d = editDistance(word.lowercased(), c.lowercased())
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (c, d) = best, d <= max(2, (word.count + 1) / 2) else { return "" }
        return " (did you mean '\(c)'?)"
    }

    /// Levenshtein distance, with a transposition counted as one edit (`retires` → `retry`).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
