// A compiled path into a JSON document: `data.bot.id`, `a.b[0].c`, `items[-1]`, `["odd.key"].x`.
// Provider files name fields this way; the path is parsed once at load and then only walked.

public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        /// An array index; negative counts from the end (`-1` is the last element).
        case index(Int)
    }

    /// Everything compiled, in one object: mappings copy a path out of their expression tree on
    /// every evaluation, and a struct of three arrays and a string cost four retains a copy.
    let compiled: Compiled

    public var components: [Component] { compiled.components }
    /// The text the path was compiled from, for messages.
    public var text: String { compiled.text }

    final class Compiled: Sendable {
        let components: [Component]
        let text: String
        /// The components with their keys prepared for `JSONDocument.member`. The keys are held
        /// unretained: `keys` owns them, so walking a path costs no reference counting.
        let steps: [Step]
        let keys: [JSONKey]
        /// For a path interned with others (`JSONPathPrefixes`): the memo slot of each prefix, one
        /// per step; empty for a path on its own.
        let memoSlots: [Int]

        init(components: [Component], text: String, memoSlots: [Int] = []) {
            self.components = components
            self.text = text
            self.memoSlots = memoSlots
            var keys: [JSONKey] = []
            steps = components.map {
                switch $0 {
                case .key(let k):
                    keys.append(JSONKey(k))
                    return .key(Unmanaged.passUnretained(keys[keys.count - 1]))
                case .index(let n):
                    return .index(n)
                }
            }
            self.keys = keys
        }
    }

    enum Step: Sendable {
        case key(Unmanaged<JSONKey>)
        case index(Int)

        /// Where this step leads from `node`, or nil.
        @inline(__always)
        func next(in document: JSONDocument, from node: JSONDocument.Node) -> JSONDocument.Node? {
            switch self {
            case .key(let k): k._withUnsafeGuaranteedRef { document.member($0, of: node) }
            case .index(let n): document.element(n, of: node)
            }
        }
    }

    public init(components: [Component], text: String) {
        compiled = Compiled(components: components, text: text)
    }

    /// This path with a memo slot for each of its prefixes (see `JSONPathPrefixes`).
    init(_ path: JSONPath, memoSlots: [Int]) {
        compiled = Compiled(components: path.components, text: path.text, memoSlots: memoSlots)
    }

    public static func == (a: JSONPath, b: JSONPath) -> Bool {
        a.compiled === b.compiled || (a.components == b.components && a.text == b.text)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(components)
        hasher.combine(text)
    }

    public var description: String { text }

    /// The empty path `$` names the whole document.
    public static let root = JSONPath(components: [], text: "$")

    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses the path grammar: `$` | segment (`.` segment)*, where a segment is a key (any
    /// characters except `.` `[` `]`) followed by zero or more `[n]` / `["key"]` selectors.
    public static func compile(_ text: String) throws(SyntaxError) -> JSONPath {
        if text == "$" { return .root }
        var body = Substring(text)
        if body.hasPrefix("$.") { body = body.dropFirst(2) }
        var out: [Component] = []
        var chars = Array(body.unicodeScalars)
        var i = 0
        func fail(_ why: String) -> SyntaxError { SyntaxError(message: "invalid JSON path '\(text)': \(why)") }
        var expectKey = true
        while i < chars.count {
            let c = chars[i]
            if c == "[" {
                guard let close = chars[i...].firstIndex(of: "]") else { throw fail("unclosed '['") }
                let inner = String(String.UnicodeScalarView(chars[(i + 1)..<close]))
                if inner.hasPrefix("\""), inner.hasSuffix("\""), inner.count >= 2 {
                    out.append(.key(String(inner.dropFirst().dropLast())))
                } else if let n = Int(inner) {
                    out.append(.index(n))
                } else {
                    throw fail("'[\(inner)]' is neither an index nor a quoted key")
                }
                i = close + 1
                expectKey = false
            } else if c == "." {
                if expectKey { throw fail("empty segment") }
                i += 1
                expectKey = true
                if i == chars.count { throw fail("ends with '.'") }
            } else {
                if !expectKey { throw fail("missing '.' before '\(String(c))'") }
                var j = i
                while j < chars.count, chars[j] != ".", chars[j] != "[" {
                    if chars[j] == "]" { throw fail("unexpected ']'") }
                    j += 1
                }
                out.append(.key(String(String.UnicodeScalarView(chars[i..<j]))))
                i = j
                expectKey = false
            }
        }
        if out.isEmpty { throw fail("empty path") }
        chars.removeAll()
        return JSONPath(components: out, text: text)
    }

    /// The value at this path, or nil when any step is missing or of the wrong kind.
    public func evaluate(_ value: JSONValue) -> JSONValue? {
        var current = value
        for c in components {
            switch c {
            case .key(let k):
                guard case .object(let o) = current, let next = o[k] else { return nil }
                current = next
            case .index(let n):
                guard case .array(let a) = current else { return nil }
                let idx = n < 0 ? a.count + n : n
                guard idx >= 0, idx < a.count else { return nil }
                current = a[idx]
            }
        }
        return current
    }

    /// The node at this path from `node` of `document`, or nil when any step is missing or of the
    /// wrong kind: `evaluate(_:)` without building the values on the way.
    public func evaluate(in document: JSONDocument, from node: JSONDocument.Node) -> JSONDocument.Node? {
        compiled.steps.withUnsafeBufferPointer { steps in
            var current = node
            for i in steps.indices {
                guard let next = steps[i].next(in: document, from: current) else { return nil }
                current = next
            }
            return current
        }
    }
}
