
// Scalar and list decoding for `ConfigReader`. Each type reports its own problems with the node's
// location; error texts name the expected type, never the found value (it could be a secret).

import Foundation

public protocol ConfigDecodable {
    /// Decodes `node`, or records an error in `diagnostics` and returns nil.
    static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> Self?
}

extension ConfigNode {
    /// The scalar text, or an error naming what was expected.
    func scalarText(expecting what: String, context: String, diagnostics: ConfigDiagnostics) -> String? {
        if let s = scalar { return s }
        diagnostics.error("\(context) must be \(what), found \(kindDescription)", at: location)
        return nil
    }
}

extension String: ConfigDecodable {
    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> String? {
        node.scalarText(expecting: "a string", context: context, diagnostics: diagnostics)
    }
}

extension Int: ConfigDecodable {
    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> Int? {
        guard let s = node.scalarText(expecting: "an integer", context: context, diagnostics: diagnostics) else { return nil }
        if case .scalar(_, quoted: true) = node.value {
            diagnostics.error("\(context) must be an integer, found a quoted string", at: node.location)
            return nil
        }
        guard let v = Int(s.replacingOccurrences(of: "_", with: "")) else {
            diagnostics.error("\(context) must be an integer", at: node.location)
            return nil
        }
        return v
    }
}

extension Double: ConfigDecodable {
    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> Double? {
        guard let s = node.scalarText(expecting: "a number", context: context, diagnostics: diagnostics),
              let v = Double(s), v.isFinite else {
            if node.scalar != nil { diagnostics.error("\(context) must be a number", at: node.location) }
            return nil
        }
        return v
    }
}

extension Bool: ConfigDecodable {
    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> Bool? {
        guard let s = node.scalarText(expecting: "true or false", context: context, diagnostics: diagnostics) else { return nil }
        switch s {
        case "true", "True", "TRUE", "yes", "on": return true
        case "false", "False", "FALSE", "no", "off": return false
        default:
            diagnostics.error("\(context) must be true or false", at: node.location)
            return nil
        }
    }
}

extension Array: ConfigDecodable where Element: ConfigDecodable {
    /// A list; a single scalar is accepted as a one-element list (`secret: x` ≡ `secret: [x]`).
    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> [Element]? {
        switch node.value {
        case .sequence(let items):
            var out: [Element] = []
            var ok = true
            for (i, item) in items.enumerated() {
                if let v = Element.decode(item, context: "\(context)[\(i)]", diagnostics: diagnostics) { out.append(v) } else { ok = false }
            }
            return ok ? out : nil
        case .null: return []
        case .scalar:
            return Element.decode(node, context: context, diagnostics: diagnostics).map { [$0] }
        case .mapping:
            diagnostics.error("\(context) must be a list, found a mapping", at: node.location)
            return nil
        }
    }
}

/// A duration written as `250ms`, `5s`, `30m`, `72h`, `7d` (or a bare number of seconds).
public struct ConfigDuration: ConfigDecodable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public static func < (a: ConfigDuration, b: ConfigDuration) -> Bool { a.seconds < b.seconds }

    public var description: String {
        let units: [(Double, String)] = [(86400, "d"), (3600, "h"), (60, "m"), (1, "s")]
        for (size, unit) in units where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int(seconds / size))\(unit)"
        }
        return "\(Int((seconds * 1000).rounded()))ms"
    }

    public static func parse(_ s: String) -> ConfigDuration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            guard let n = Double(s.dropLast(suffix.count)), n >= 0, n.isFinite else { return nil }
            return ConfigDuration(seconds: n * scale)
        }
        guard let n = Double(s), n >= 0, n.isFinite else { return nil }
        return ConfigDuration(seconds: n)
    }

    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> ConfigDuration? {
        guard let s = node.scalarText(expecting: "a duration", context: context, diagnostics: diagnostics) else { return nil }
        guard let d = parse(s) else {
            diagnostics.error("\(context) must be a duration such as 500ms, 5s, 30m, 72h or 7d", at: node.location)
            return nil
        }
        return d
    }
}

/// A size written as `512`, `64KiB`, `10MiB`, `1GiB` (also `KB`/`MB`/`GB`, decimal).
public struct ConfigByteSize: ConfigDecodable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    public static func < (a: ConfigByteSize, b: ConfigByteSize) -> Bool { a.bytes < b.bytes }

    public var description: String {
        for (size, unit) in [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }

    public static func parse(_ s: String) -> ConfigByteSize? {
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
            ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
        ]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            guard let n = Int(s.dropLast(suffix.count).trimmingSpaces()), n >= 0 else { return nil }
            let (v, overflow) = n.multipliedReportingOverflow(by: scale)
            return overflow ? nil : ConfigByteSize(bytes: v)
        }
        guard let n = Int(s), n >= 0 else { return nil }
        return ConfigByteSize(bytes: n)
    }

    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> ConfigByteSize? {
        guard let s = node.scalarText(expecting: "a size", context: context, diagnostics: diagnostics) else { return nil }
        guard let v = parse(s) else {
            diagnostics.error("\(context) must be a size such as 65536, 64KiB or 10MiB", at: node.location)
            return nil
        }
        return v
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
