// Look-ups shared by the paths of one mapping, made once per document. A provider's fields name
// paths with common prefixes (`data.bot.id`, `data.bot.metadata`, `data.data.code`): interned
// together at load, each prefix gets a slot, and a request records in a memo of those slots, on
// the stack, the node each prefix led to: a W1 webhook's member look-ups fall from twenty-two to
// eleven.

/// The prefixes of paths compiled together, each given a slot in a `JSONPathMemo`.
public struct JSONPathPrefixes: Sendable {
    private var slots: [[JSONPath.Component]: Int] = [:]

    public init() {}

    /// The slots a memo for these paths needs.
    public var count: Int { slots.count }

    /// `path` with the slot of each of its prefixes: the same slot for the same prefix of any
    /// path interned here.
    public mutating func intern(_ path: JSONPath) -> JSONPath {
        var ids: [Int] = []
        var prefix: [JSONPath.Component] = []
        for c in path.components {
            prefix.append(c)
            if let id = slots[prefix] {
                ids.append(id)
            } else {
                ids.append(slots.count)
                slots[prefix] = slots.count
            }
        }
        return JSONPath(path, memoSlots: ids)
    }

    public mutating func intern(_ list: JSONPathList) -> JSONPathList {
        JSONPathList(list.paths.map { intern($0) })
    }
}

/// One document's look-ups by interned paths: for each prefix slot, the node it leads to from
/// the root, or that it is absent, or not looked up yet. Its memory is the caller's, typically
/// `withUnsafeTemporaryAllocation` (on the stack, no allocation per request; inlined there, where
/// a closure through a Core function copied the caller's captured state); valid only for the
/// document it is used with, while that memory is.
public struct JSONPathMemo {
    static let unknown = -1
    static let absent = -2

    let slots: UnsafeMutablePointer<Int>

    /// Marks every slot of `buffer` not looked up yet; nil when there are no slots.
    public init?(initializing buffer: UnsafeMutableBufferPointer<Int>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
        buffer.initialize(repeating: Self.unknown)
        slots = base
    }
}
