// A JSON value the gateway passes through unchanged (the customer's `metadata`). When the payload
// spells it exactly as JSONWriter would write it, it stays that text: the envelope copies the bytes
// rather than building a JSONValue tree, writing it and freeing it (~1 700 instructions and a malloc
// per webhook for W1's {"customer":"acme"}). Read as a JSONValue, it is built from the document then.

public struct PassThroughJSON: Sendable, Equatable {
    private enum Form: Sendable {
        /// The value at `node`, whose bytes at `text` are what the writer would write for it.
        case source(JSONDocument, node: JSONDocument.Node, text: Range<Int>)
        case value(JSONValue)
    }

    private let form: Form

    public init(_ value: JSONValue) { form = .value(value) }

    /// The value at `node`: kept as its text when that is byte for byte what the writer writes.
    public init(_ document: JSONDocument, at node: JSONDocument.Node) {
        if let text = document.writerText(of: node) {
            form = .source(document, node: node, text: text)
        } else {
            form = .value(document.value(at: node))
        }
    }

    public var value: JSONValue {
        switch form {
        case .source(let document, let node, _): document.value(at: node)
        case .value(let v): v
        }
    }

    /// Equal when they stand for equal values, whichever form each is in.
    public static func == (a: PassThroughJSON, b: PassThroughJSON) -> Bool { a.value == b.value }

    fileprivate func write(to w: inout JSONWriter) {
        switch form {
        case .source(let document, _, let text):
            document.bytes.withUnsafeBufferPointer { w.appendRaw(UnsafeBufferPointer(rebasing: $0[text])) }
        case .value(let v):
            w.value(v)
        }
    }

    /// `"key":` and the value, the key and source text in one call when the value is still its text.
    fileprivate func write(key k: StaticString, to w: inout JSONWriter) {
        switch form {
        case .source(let document, _, let text):
            document.bytes.withUnsafeBufferPointer { w.member(k, raw: UnsafeBufferPointer(rebasing: $0[text])) }
        case .value(let v):
            w.key(k)
            w.value(v)
        }
    }
}

extension JSONWriter {
    /// The value; copied verbatim when it is still its source text, which is what this would write.
    public mutating func value(_ v: PassThroughJSON) { v.write(to: &self) }

    public mutating func member(_ k: StaticString, _ v: PassThroughJSON?) {
        if let v { v.write(key: k, to: &self) } else { nullMember(k) }
    }
}
