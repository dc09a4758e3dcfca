// The JSON writer: escaping, structure and commas, raw splicing, number forms, and round trips
// through the parser.

import Testing
@testable import GatewayCore

@Suite struct JSONWriterTests {
    func text(_ build: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter()
        build(&w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let s = text { $0.string("a\"b\\c\nd\re\tf\u{8}\u{c}\u{1}\u{1f}") }
        #expect(s == #""a\"b\\c\nd\re\tf\b\f\u0001\u001f""#)
    }

    @Test func passesUTF8AndSlashesThroughUnescaped() {
        #expect(text { $0.string("José/😀") } == "\"José/😀\"")
    }

    @Test func placesCommasBetweenMembersAndElements() {
        let s = text { w in
            w.beginObject()
            w.member("a", "x" as String?)
            w.key("b"); w.beginArray(); w.int(1); w.null(); w.bool(true); w.beginObject(); w.endObject(); w.endArray()
            w.member("c", nil as String?)
            w.endObject()
        }
        #expect(s == #"{"a":"x","b":[1,null,true,{}],"c":null}"#)
    }

    @Test func splicesRawDocumentsVerbatim() {
        let raw = Array(#"{"b": 1 ,"a":"José"}"#.utf8)
        let s = text { w in w.beginObject(); w.member("k", "v" as String?); w.key("raw"); w.appendRaw(raw); w.endObject() }
        #expect(s == #"{"k":"v","raw":{"b": 1 ,"a":"José"}}"#)
    }

    @Test func writesRawFragmentsInPlaceWithCommas() {
        let s = text { w in
            w.beginArray()
            w.appendRaw { $0.append(contentsOf: Array("\"t\"".utf8)) }
            w.appendRaw { $0.append(0x31) }
            w.endArray()
        }
        #expect(s == #"["t",1]"#)
    }

    @Test func writesNumbersInShortestValidForms() {
        #expect(text { $0.double(1.33) } == "1.33")
        #expect(text { $0.double(2) } == "2")
        #expect(text { $0.double(-0.5) } == "-0.5")
        #expect(text { $0.double(.nan) } == "null")
        #expect(text { $0.double(.infinity) } == "null")
        #expect(text { $0.int(Int64.min) } == "-9223372036854775808")
        #expect(text { $0.int(0) } == "0")
        #expect(text { $0.number(literal: "1.50") } == "1.50")
        #expect(throws: Never.self) { try JSON.parse(text { $0.double(1e-7) }) }
        #expect(throws: Never.self) { try JSON.parse(text { $0.double(1e300) }) }
    }

    @Test func roundTripsThroughTheParser() throws {
        let doc = #"{"s":"\"q\" \\ \n \u0001 é 😀","n":[0,-1.5e10,123456789012345678901],"o":{"z":null,"a":false},"e":[]}"#
        let v = try JSON.parse(doc)
        let again = try JSON.parse(v.serialized())
        #expect(again == v)
        #expect(v.serialized() == again.serialized())
    }
}
