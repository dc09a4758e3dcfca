// PassThroughJSON: a value the payload spells as the writer would is copied as its text; any other
// falls back to the value. Either way the writer's output and the value read are unchanged.

import Testing
@testable import GatewayCore

@Suite struct PassThroughJSONTests {
    /// The envelope's text for the value at `path`'s end, written both ways.
    func written(_ doc: JSONDocument, _ node: JSONDocument.Node) -> (passThrough: [UInt8], value: [UInt8]) {
        var a = JSONWriter(), b = JSONWriter()
        a.beginArray(); a.null(); a.value(PassThroughJSON(doc, at: node)); a.endArray()
        b.beginArray(); b.null(); b.value(doc.value(at: node)); b.endArray()
        return (a.bytes, b.bytes)
    }

    @Test func keepsCompactUnescapedTextAsIs() throws {
        for text in [#"{"customer":"acme"}"#, #"{"a":[1,-2.50e3,true,false,null,{}],"b":[],"é":"😀/x"}"#,
                     #""plain""#, "12.0", "null", #"[[],[{}]]"#, #"{"a":1,"a":2}"#] {
            let doc = try JSONDocument(parsing: Array(#"{"m":\#(text)}"#.utf8))
            let node = try #require(doc.member("m", of: doc.root))
            let range = try #require(doc.writerText(of: node), "\(text)")
            #expect(Array(doc.bytes[range]) == Array(text.utf8))
            let (passThrough, value) = written(doc, node)
            #expect(passThrough == value, "\(text)")
            #expect(PassThroughJSON(doc, at: node).value == doc.value(at: node))
        }
    }

    /// Whitespace anywhere, or an escape in a string or key, would not survive a rewrite.
    @Test func fallsBackWhenTheWriterWouldWriteOtherBytes() throws {
        for text in [#"{"customer": "acme"}"#, #"{ "a":1}"#, #"{"a":1 }"#, #"[1, 2]"#, #"[ ]"#, #"{"a":[1 ]}"#,
                     #"{"a":"x\/y"}"#, #"{"\u0041":1}"#, #""\n""#, #"{"a":{"b":"\"q\""}}"#] {
            let doc = try JSONDocument(parsing: Array(#"{"m":\#(text) }"#.utf8))
            let node = try #require(doc.member("m", of: doc.root))
            #expect(doc.writerText(of: node) == nil, "\(text)")
            let (passThrough, value) = written(doc, node)
            #expect(passThrough == value, "\(text)")
            #expect(PassThroughJSON(doc, at: node).value == doc.value(at: node))
        }
    }

    @Test func comparesByValueWhateverTheForm() throws {
        let compact = try JSONDocument(parsing: Array(#"{"customer":"acme"}"#.utf8))
        let spaced = try JSONDocument(parsing: Array(#"{ "customer" : "acme" }"#.utf8))
        let built = PassThroughJSON(.object(JSONObject([("customer", .string("acme"))])))
        #expect(PassThroughJSON(compact, at: compact.root) == PassThroughJSON(spaced, at: spaced.root))
        #expect(PassThroughJSON(compact, at: compact.root) == built)
        #expect(PassThroughJSON(compact, at: compact.root) != PassThroughJSON(.string("acme")))
    }

    @Test func meetingEventReadsMetadataAsItsValue() throws {
        let doc = try JSONDocument(parsing: Array(#"{"customer":"acme"}"#.utf8))
        var event = MeetingEvent(type: .test, provider: "p", source: "s", providerEvent: "e", receivedAt: Timestamp(seconds: 0))
        event.passThroughMetadata = PassThroughJSON(doc, at: doc.root)
        #expect(event.metadata == .object(JSONObject([("customer", .string("acme"))])))
        event.metadata = nil
        #expect(event.passThroughMetadata == nil)
    }
}
