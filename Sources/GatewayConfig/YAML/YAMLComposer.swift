// Builds the `ConfigNode` tree from parse events. Here YAML's conveniences are resolved (aliases
// become copies, `<<` merge keys are applied, unquoted `~`/`null`/empty become null) and what a
// configuration file must not contain is refused: duplicate or non-scalar keys, a second document,
// unknown tags, and anything past `YAMLLimits`. Recoverable problems are collected so one load
// reports them all; a limit or a syntax error stops at once (going on could cost what the limit guards).

import GatewayCore

struct YAMLComposer {
    /// A finished node with what it costs: nodes after expansion, and nesting height (scalar = 0).
    private struct Composed {
        var node: ConfigNode
        var count: Int
        var height: Int
    }

    private enum Entry {
        case pair(key: ConfigNode, value: ConfigNode)
        /// The pairs a `<<` key brings in, earlier sources first (they take precedence).
        case merge([(key: ConfigNode, value: ConfigNode)])
    }

    private static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]
    private static let stringTag = "tag:yaml.org,2002:str"
    private static let mappingTag = "tag:yaml.org,2002:map"
    private static let sequenceTag = "tag:yaml.org,2002:seq"

    private let parser: YAMLParser
    private let file: String
    private let limits: YAMLLimits
    private var anchors: [String: Composed] = [:]
    private var nodeCount = 0
    private var errors: [ConfigError] = []

    init(parser: YAMLParser, file: String, limits: YAMLLimits) {
        self.parser = parser
        self.file = file
        self.limits = limits
    }

    /// The single document of the stream; an empty stream is a null document at 1:1.
    mutating func composeDocument() throws(ConfigErrors) -> ConfigNode {
        _ = try next()  // stream start
        let first = try next()
        guard case .documentStart = first.kind else {
            return ConfigNode(.null, at: SourceLocation(file: file, line: 1, column: 1))
        }
        let root = try compose(try next(), depth: 1, isKey: false)
        _ = try next()  // document end
        let after = try next()
        if case .documentStart = after.kind {
            throw failure("more than one YAML document in the file; a configuration file holds exactly one",
                          line: after.line, column: after.column)
        }
        if !errors.isEmpty { throw ConfigErrors(sorted(errors)) }
        return root.node
    }

    // MARK: - Nodes

    private mutating func compose(_ event: YAMLEvent, depth: Int, isKey: Bool) throws(ConfigErrors) -> Composed {
        let location = SourceLocation(file: file, line: event.line, column: event.column)
        switch event.kind {
        case let .scalar(text, anchor, tag, style):
            guard text.utf8.count <= limits.maxScalarLength else {
                throw failure("scalar longer than the limit of \(limits.maxScalarLength) bytes", at: location)
            }
            try count(1, at: location)
            var quoted = style != .plain
            if let tag {
                if tag == Self.stringTag || tag == "!" { quoted = true } else { unsupported(tag: tag, at: location) }
            }
            let value: ConfigNode.Value = !quoted && !isKey && Self.nullWords.contains(text) ? .null : .scalar(text, quoted: quoted)
            return remember(Composed(node: ConfigNode(value, at: location), count: 1, height: 0), as: anchor)

        case let .alias(name):
            guard let target = anchors[name] else {
                errors.append(ConfigError("unknown alias '*\(name)' (an anchor '&\(name)' must come before its aliases)", at: location))
                try count(1, at: location)
                return Composed(node: ConfigNode(.null, at: location), count: 1, height: 0)
            }
            if depth + target.height - 1 > limits.maxDepth {
                throw failure("alias '*\(name)' nests deeper than the limit of \(limits.maxDepth) levels", at: location)
            }
            try count(target.count, at: location)
            // The copy keeps the anchored text's locations, except its root, which is where it is used.
            var copy = target
            copy.node.location = location
            return copy

        case let .sequenceStart(anchor, tag):
            try enter(depth: depth, at: location)
            try count(1, at: location)
            if let tag, tag != Self.sequenceTag { unsupported(tag: tag, at: location) }
            var items: [ConfigNode] = []
            var total = 1, height = 0
            while true {
                let e = try next()
                if case .sequenceEnd = e.kind { break }
                let item = try compose(e, depth: depth + 1, isKey: false)
                items.append(item.node)
                total += item.count
                height = max(height, item.height)
            }
            return remember(Composed(node: ConfigNode(.sequence(items), at: location), count: total, height: height + 1), as: anchor)

        case let .mappingStart(anchor, tag):
            try enter(depth: depth, at: location)
            try count(1, at: location)
            if let tag, tag != Self.mappingTag { unsupported(tag: tag, at: location) }
            return remember(try composeMapping(at: location, depth: depth), as: anchor)

        case .streamStart, .streamEnd, .documentStart, .documentEnd, .sequenceEnd, .mappingEnd:
            // libyaml validates the event grammar; a node position never holds these.
            throw failure("unexpected YAML structure", at: location)
        }
    }

    private mutating func composeMapping(at location: SourceLocation, depth: Int) throws(ConfigErrors) -> Composed {
        var entries: [Entry] = []
        var firstSeen: [String: SourceLocation] = [:]
        var total = 1, height = 0
        while true {
            let e = try next()
            if case .mappingEnd = e.kind { break }
            let key = try compose(e, depth: depth + 1, isKey: true)
            let value = try compose(try next(), depth: depth + 1, isKey: false)
            total += key.count + value.count
            height = max(height, key.height, value.height)

            guard case let .scalar(name, quoted) = key.node.value else {
                errors.append(ConfigError("mapping keys must be scalars, found \(key.node.kindDescription)", at: key.node.location))
                continue
            }
            if let first = firstSeen[name] {
                errors.append(ConfigError("duplicate key '\(name)' (first defined at \(first.line):\(first.column))", at: key.node.location))
                continue
            }
            firstSeen[name] = key.node.location
            if name == "<<" && !quoted {
                if let pairs = mergeSources(value.node) { entries.append(.merge(pairs)) }
            } else {
                entries.append(.pair(key: key.node, value: value.node))
            }
        }
        // Explicit keys win over merged ones wherever they appear; among merged sources the first wins.
        var present = Set(firstSeen.keys)
        var pairs: [(key: ConfigNode, value: ConfigNode)] = []
        for entry in entries {
            switch entry {
            case let .pair(key, value):
                pairs.append((key, value))
            case let .merge(merged):
                for pair in merged {
                    guard let name = pair.key.scalar, !present.contains(name) else { continue }
                    present.insert(name)
                    pairs.append(pair)
                }
            }
        }
        return Composed(node: ConfigNode(.mapping(pairs), at: location), count: total, height: height + 1)
    }

    /// The pairs a merge key's value brings in: a mapping, or a list of mappings.
    private mutating func mergeSources(_ node: ConfigNode) -> [(key: ConfigNode, value: ConfigNode)]? {
        switch node.value {
        case .mapping(let pairs):
            return pairs
        case .sequence(let items):
            var out: [(key: ConfigNode, value: ConfigNode)] = []
            for item in items {
                guard case .mapping(let pairs) = item.value else {
                    errors.append(ConfigError("merge key '<<' needs a mapping or a list of mappings, found \(item.kindDescription) in the list", at: item.location))
                    return nil
                }
                out += pairs
            }
            return out
        default:
            errors.append(ConfigError("merge key '<<' needs a mapping or a list of mappings, found \(node.kindDescription)", at: node.location))
            return nil
        }
    }

    // MARK: - Limits and bookkeeping

    private mutating func count(_ n: Int, at location: SourceLocation) throws(ConfigErrors) {
        nodeCount += n
        if nodeCount > limits.maxNodes {
            throw failure("document has more than the limit of \(limits.maxNodes) nodes (counting what aliases expand to)", at: location)
        }
    }

    private mutating func enter(depth: Int, at location: SourceLocation) throws(ConfigErrors) {
        if depth > limits.maxDepth {
            throw failure("nesting deeper than the limit of \(limits.maxDepth) levels", at: location)
        }
    }

    private mutating func remember(_ composed: Composed, as anchor: String?) -> Composed {
        if let anchor { anchors[anchor] = composed }
        return composed
    }

    private mutating func unsupported(tag: String, at location: SourceLocation) {
        let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
        errors.append(ConfigError("unsupported YAML tag '\(shown)'; only !!str is understood (or quote the value)", at: location))
    }

    /// The next event; a syntax error is reported together with what was already collected.
    private mutating func next() throws(ConfigErrors) -> YAMLEvent {
        do {
            return try parser.next()
        } catch {
            throw ConfigErrors(sorted(errors + error.errors))
        }
    }

    private func failure(_ message: String, line: Int, column: Int) -> ConfigErrors {
        failure(message, at: SourceLocation(file: file, line: line, column: column))
    }

    private func failure(_ message: String, at location: SourceLocation) -> ConfigErrors {
        ConfigErrors(sorted(errors + [ConfigError(message, at: location)]))
    }

    private func sorted(_ list: [ConfigError]) -> [ConfigError] {
        list.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
    }
}
