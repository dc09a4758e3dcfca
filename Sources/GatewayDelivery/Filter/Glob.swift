// Shell-style wildcard patterns for sink filters (`session.*`, `transcript.?artial`). Only `*`
// (any run, also empty) and `?` (one character) are special: event types, providers and session
// ids never contain them, so no escaping syntax is needed.

public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let characters: [Character]
    private let isLiteral: Bool

    public init(_ pattern: String) {
        self.pattern = pattern
        characters = Array(pattern)
        isLiteral = !pattern.contains("*") && !pattern.contains("?")
    }

    public var description: String { pattern }

    public func matches(_ text: String) -> Bool {
        if isLiteral { return text == pattern }
        return Self.match(characters, Array(text))
    }

    /// Iterative matcher with single-star backtracking: linear in practice, never exponential
    /// (a pattern like `*a*a*a*b` cannot blow up the way a recursive matcher would).
    private static func match(_ p: [Character], _ t: [Character]) -> Bool {
        var pi = 0, ti = 0
        var starP = -1, starT = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                starP = pi; starT = ti; pi += 1
            } else if starP >= 0 {
                pi = starP + 1; starT += 1; ti = starT
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
