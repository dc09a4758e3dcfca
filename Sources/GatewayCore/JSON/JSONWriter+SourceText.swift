// When a document already spells a value exactly as JSONWriter would write it, the writer can copy
// the bytes instead of building the value and writing it again (see PassThroughJSON).

extension JSONDocument {
    /// The bytes of the value at `node` when they are exactly what `JSONWriter.value` writes for
    /// `value(at:)`, else nil. That holds when the text has no whitespace and no string or key
    /// holds an escape: the writer re-escapes decoded text its own way (`\/` becomes `/`, `\u0041`
    /// becomes `A`), while numbers and literals are written as their source text anyway.
    func writerText(of node: Node) -> Range<Int>? {
        let t = tokens[node]
        let start = t.kind == .string ? t.start - 1 : t.start
        return bytes.withUnsafeBufferPointer { b in
            compactEnd(of: node, at: start, in: b).map { start..<$0 }
        }
    }

    /// Where the value at `node` ends if its text starts at `position` and is laid out as the writer
    /// lays it out (each token right after the previous one's end and its separator), else nil.
    private func compactEnd(of node: Node, at position: Int, in b: UnsafeBufferPointer<UInt8>) -> Int? {
        let t = tokens[node]
        switch t.kind {
        case .string:
            return !t.escaped && t.start == position + 1 ? position + t.size + 2 : nil
        case .number, .null, .true, .false:
            return t.start == position ? position + t.size : nil
        case .array, .object:
            guard t.start == position else { return nil }
            let isObject = t.kind == .object
            var p = position + 1, child = node + 1
            while child < t.next {
                if child != node + 1 {
                    guard b[p] == UInt8(ascii: ",") else { return nil }
                    p += 1
                }
                if isObject {
                    guard let afterKey = compactEnd(of: child, at: p, in: b), b[afterKey] == UInt8(ascii: ":") else { return nil }
                    p = afterKey + 1
                    child += 1
                }
                guard let after = compactEnd(of: child, at: p, in: b) else { return nil }
                p = after
                child = tokens[child].next
            }
            // Inside a valid document every byte up to the container's closing bracket is one
            // the walk has placed, so `p` is at most that bracket's index.
            return b[p] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) ? p + 1 : nil
        }
    }
}
