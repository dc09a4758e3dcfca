// Paths tried in order, the first whose value is present and not null winning: how a provider file
// names a field that vendors put in different places (`[data.bot.id, data.recording.id]`), a
// single path being a list of one. Walked for every field of every webhook, so the compiled paths
// are held unretained and a look-up costs no reference counting.

public final class JSONPathList: Sendable {
    public let paths: [JSONPath]
    /// `paths`' compiled steps, unretained: `paths` owns them.
    private let compiled: [Unmanaged<JSONPath.Compiled>]

    public init(_ paths: [JSONPath]) {
        self.paths = paths
        compiled = paths.map { Unmanaged.passUnretained($0.compiled) }
    }

    /// The node of the first path present and not null from `node` of `document`. With a memo
    /// (made for this document, the paths interned with its prefixes), paths walked from the root
    /// take their prefixes from it.
    public func firstPresent(in document: JSONDocument, from node: JSONDocument.Node,
                             memo: JSONPathMemo? = nil) -> JSONDocument.Node? {
        compiled.withUnsafeBufferPointer { list in
            let fromRoot = node == document.root
            for c in list {
                let found = c._withUnsafeGuaranteedRef { c in
                    if let memo, fromRoot, !c.memoSlots.isEmpty { c.evaluateFromRoot(in: document, memo: memo) }
                    else { c.evaluate(in: document, from: node) }
                }
                if let found, document.kind(found) != .null { return found }
            }
            return nil
        }
    }

    /// The value of the first path present and not null in a built value.
    public func firstPresent(in value: JSONValue) -> JSONValue? {
        for p in paths { if let found = p.evaluate(value), !found.isNull { return found } }
        return nil
    }
}
