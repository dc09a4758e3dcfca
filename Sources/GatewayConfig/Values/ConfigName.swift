// Names of sources and sinks: they appear in URLs (`/webhooks/<name>`), metric labels, admin API
// paths and file names, so they are kept to lowercase letters, digits, '-' and '_'.

import GatewayCore

enum ConfigName {
    static let rule = "lowercase letters, digits, '-' and '_' (at most 64)"

    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F }
    }

    /// Records an error for a malformed name, or for a name already used by an earlier entry.
    static func check(_ name: String, kind: String, at location: SourceLocation,
                      seen: inout [String: SourceLocation], diagnostics: ConfigDiagnostics) {
        if !isValid(name) {
            diagnostics.error("\(kind) name '\(name)' must use only \(rule)", at: location)
        } else if let first = seen[name] {
            diagnostics.error("\(kind) name '\(name)' is already used (at \(first.line):\(first.column))", at: location)
        } else {
            seen[name] = location
        }
    }
}
