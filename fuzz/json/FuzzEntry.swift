// libFuzzer entry for the JSON parser (scripts/fuzz-json.sh). Besides "never crash", it checks the
// writer/parser round trip on every accepted input: parse(serialize(v)) == v, and serialising
// twice gives the same bytes. A violation traps, so libFuzzer saves the input.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let value: JSONValue
    do { value = try JSON.parse(bytes, maxDepth: 64) } catch {
        precondition(error.offset >= 0 && error.offset <= size, "error offset out of range")
        return 0
    }
    let text = value.serialized()
    guard let again = try? JSON.parse(text, maxDepth: 64) else { fatalError("serialised output does not parse") }
    precondition(again == value, "round trip changed the value")
    precondition(again.serialized() == text, "serialisation is not stable")
    return 0
}
