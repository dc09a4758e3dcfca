// libFuzzer entry for the JSON parser (scripts/fuzz-json.sh). Besides "never crash", it checks the
// writer/parser round trip on every accepted input: parse(serialize(v)) == v, and serialising
// twice gives the same bytes; and that walking the document's tokens finds what walking the built
// tree finds, for every member and element two levels down. A violation traps, so libFuzzer saves
// the input.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let document: JSONDocument
    do { document = try JSONDocument(parsing: [UInt8](bytes), maxDepth: 64) } catch {
        precondition(error.offset >= 0 && error.offset <= size, "error offset out of range")
        return 0
    }
    let value = document.value
    let text = value.serialized()
    guard let again = try? JSON.parse(text, maxDepth: 64) else { fatalError("serialised output does not parse") }
    precondition(again == value, "round trip changed the value")
    precondition(again.serialized() == text, "serialisation is not stable")
    checkLookups(document, document.root, value, depth: 2)
    return 0
}

private func checkLookups(_ document: JSONDocument, _ node: JSONDocument.Node, _ value: JSONValue, depth: Int) {
    precondition(document.value(at: node) == value, "a node's value differs from the tree's")
    guard depth > 0 else { return }
    switch value {
    case .object(let o):
        for m in o.members {
            let path = JSONPath(components: [.key(m.key)], text: m.key)
            let found = path.evaluate(in: document, from: node)
            precondition(found.map { document.value(at: $0) } == path.evaluate(value), "member look-up differs")
            if let found { checkLookups(document, found, document.value(at: found), depth: depth - 1) }
        }
    case .array(let a):
        for i in -a.count - 1...a.count {
            let found = document.element(i, of: node)
            let expected = JSONPath(components: [.index(i)], text: "").evaluate(value)
            precondition(found.map { document.value(at: $0) } == expected, "element look-up differs")
        }
        for (e, v) in zip(document.elements(of: node), a) { checkLookups(document, e, v, depth: depth - 1) }
    default:
        precondition(document.count(node) == 0, "a scalar has children")
    }
}
