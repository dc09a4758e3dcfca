// Helpers for loader tests: load a literal document and get either its tree or its errors.

import GatewayConfig
import GatewayCore

func yaml(_ text: String, limits: YAMLLimits = .default) throws(ConfigErrors) -> ConfigNode {
    try YAMLLoader.load(text: text, file: "test.yaml", limits: limits)
}

/// The errors loading `text` produces, rendered `file:line:col: message`; empty if it loaded.
func yamlErrors(_ text: String, limits: YAMLLimits = .default) -> [String] {
    do {
        _ = try YAMLLoader.load(text: text, file: "test.yaml", limits: limits)
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

func scalar(_ s: String) -> ConfigNode.Value { .scalar(s, quoted: false) }

extension ConfigNode {
    /// The value at a path of mapping keys and list indexes, for terse assertions.
    func at(_ path: Any...) -> ConfigNode? {
        var node: ConfigNode? = self
        for step in path {
            if let key = step as? String {
                node = node?[key]
            } else if let i = step as? Int, case .sequence(let items)? = node?.value, items.indices.contains(i) {
                node = items[i]
            } else {
                return nil
            }
        }
        return node
    }

    var keyOrder: [String] {
        guard case .mapping(let pairs) = value else { return [] }
        return pairs.compactMap { $0.key.scalar }
    }

    /// The tree as flow-style text without locations, to compare documents written differently.
    var shape: String {
        switch value {
        case .null: return "~"
        case .scalar(let s, let quoted): return quoted ? "\"\(s)\"" : s
        case .sequence(let items): return "[" + items.map(\.shape).joined(separator: ", ") + "]"
        case .mapping(let pairs): return "{" + pairs.map { "\($0.key.shape): \($0.value.shape)" }.joined(separator: ", ") + "}"
        }
    }

    var items: [ConfigNode] {
        guard case .sequence(let items) = value else { return [] }
        return items
    }
}
