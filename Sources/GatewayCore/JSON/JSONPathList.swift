// Paths tried in order, the first whose value is present and not null winning: how a provider file
// names a field that vendors put in different places (`[data.bot.id, data.recording.id]`), a
// single path being a list of one. Walked for every field of every webhook, so the list keeps the
// steps of all its paths in one array, walked in one loop over unretained keys: per path, a call
// through each compiled path and its closures cost ~120 instructions besides the look-ups.

public final class JSONPathList: Sendable {
    public let paths: [JSONPath]
    /// Every path's steps, one path after another (keys unretained: `paths` owns them).
    private let steps: [JSONPath.Step]
    /// Where each path's steps end in `steps`.
    private let ends: [Int]
    /// Each step's memo slot, when every path is interned (`JSONPathPrefixes`); else empty.
    private let memoSlots: [Int]

    public init(_ paths: [JSONPath]) {
        self.paths = paths
        steps = paths.flatMap(\.compiled.steps)
        var end = 0
        ends = paths.map { end += $0.compiled.steps.count; return end }
        let interned = paths.allSatisfy { $0.compiled.memoSlots.count == $0.compiled.steps.count }
        memoSlots = interned ? paths.flatMap(\.compiled.memoSlots) : []
    }

    /// The node of the first path present and not null from `node` of `document`. With a memo
    /// (made for this document, the paths interned with its prefixes), a walk from the root takes
    /// each prefix from the memo once a path has looked it up, and records it otherwise.
    public func firstPresent(in document: JSONDocument, from node: JSONDocument.Node,
                             memo: JSONPathMemo? = nil) -> JSONDocument.Node? {
        let memo = node == document.root && !memoSlots.isEmpty ? memo : nil
        return steps.withUnsafeBufferPointer { steps in
            ends.withUnsafeBufferPointer { ends in
                memoSlots.withUnsafeBufferPointer { slots in
                    var s = 0
                    paths: for end in ends {
                        var current = node
                        while s < end {
                            let next: JSONDocument.Node
                            if let memo {
                                var known = memo.slots[slots[s]]
                                if known == JSONPathMemo.unknown {
                                    known = steps[s].next(in: document, from: current) ?? JSONPathMemo.absent
                                    memo.slots[slots[s]] = known
                                }
                                next = known
                            } else {
                                next = steps[s].next(in: document, from: current) ?? JSONPathMemo.absent
                            }
                            if next == JSONPathMemo.absent { s = end; continue paths }
                            current = next
                            s += 1
                        }
                        if document.kind(current) != .null { return current }
                    }
                    return nil
                }
            }
        }
    }

    /// The value of the first path present and not null in a built value.
    public func firstPresent(in value: JSONValue) -> JSONValue? {
        for p in paths { if let found = p.evaluate(value), !found.isNull { return found } }
        return nil
    }
}
