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

    @Test func escapesExactlyLikeAByteByByteReferenceAtEveryAlignment() {
        // The writer skips eight plain bytes at a time; every escapable byte at every offset of a
        // word, next to multi-byte UTF-8, must still come out escaped exactly as RFC 8259 says.
        func reference(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{8}": out += "\\b"
                case "\u{C}": out += "\\f"
                case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        }
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{7F}", "é", "€", "😀", "~"]
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            for _ in 0..<25 {
                let s = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
                #expect(text { $0.string(s) } == reference(s), "\(Array(s.utf8))")
            }
        }
        for offset in 0..<16 {
            for special in ["\"", "\\", "\u{0}", "\u{1F}"] {
                let s = String(repeating: "x", count: offset) + special + String(repeating: "y", count: 16 - offset)
                #expect(text { $0.string(s) } == reference(s))
            }
        }
    }

    /// The members written whole (key and value in one call) write what a key call and a value
    /// call write, with commas where they belong.
    @Test func writesWholeMembersLikeAKeyAndAValue() {
        let t = RFC3339Text(Timestamp(nanoseconds: 1_731_705_121_406_000_000), fractionDigits: nil)
        let t9 = RFC3339Text(Timestamp(nanoseconds: .max), fractionDigits: nil)
        let raw = Array(#"{"b": 1}"#.utf8)
        let s = text { w in
            w.beginObject()
            w.members(#""v":"1.0""#)
            w.member("a", "x")
            w.member("p", plain: "evt_abc")
            w.member("s", prefix: "/sources/", "recall")
            w.member("t", t)
            w.member("t9", t9)
            w.nullMember("n")
            w.beginObject("o")
            w.member("e", "")
            w.nullMember("f")
            w.endObject()
            w.beginObject("empty"); w.endObject()
            w.member("q", nil as String?)
            raw.withUnsafeBufferPointer { w.member("raw", raw: $0) }
            w.members(#""c":null,"d":"x""#)
            w.endObject()
        }
        #expect(s == #"{"v":"1.0","a":"x","p":"evt_abc","s":"/sources/recall","t":"2024-11-15T21:12:01.406Z","t9":"2262-04-11T23:47:16.854775807Z","n":null,"o":{"e":"","f":null},"empty":{},"q":null,"raw":{"b": 1},"c":null,"d":"x"}"#)
        #expect(text { w in w.beginArray(); w.beginObject(); w.members(#""a":1"#); w.endObject(); w.endArray() } == #"[{"a":1}]"#)
        #expect(text { w in w.beginObject(); w.member("t", t); w.member("u", t); w.endObject() }
            == #"{"t":"2024-11-15T21:12:01.406Z","u":"2024-11-15T21:12:01.406Z"}"#)
    }

    /// Vendor text through `member(_:_:)` and `member(_:prefix:_:)` is escaped exactly as
    /// `string` escapes it, at every length and position (short strings are scanned as one padded
    /// word); the result says whether it needed no escape.
    @Test func wholeMembersEscapeVendorTextAtEveryLengthAndPosition() {
        let specials: [String] = ["\"", "\\", "\n", "\u{0}", "\u{1F}", "\t"]
        var texts = ["", "José", "😀", "\u{7F}", "~ /"]
        for length in 1..<20 {
            texts.append(String(repeating: "x", count: length))
            for position in 0..<length {
                for special in specials {
                    texts.append(String(repeating: "a", count: position) + special + String(repeating: "b", count: length - position - 1))
                }
            }
        }
        for value in texts {
            let expected = text { $0.string(value) }
            let plain = !expected.contains("\\")
            var reported = false
            #expect(text { w in w.beginObject(); w.nullMember("x"); reported = w.member("k", value); w.endObject() } == #"{"x":null,"k":\#(expected)}"#)
            #expect(reported == plain, "\(Array(value.utf8))")
            let prefixed = "\"/p/" + expected.dropFirst()
            #expect(text { w in w.beginObject(); reported = w.member("k", prefix: "/p/", value); w.endObject() } == #"{"k":\#(prefixed)}"#)
            #expect(reported == plain)
            if plain { #expect(text { w in w.beginObject(); w.member("k", plain: value); w.endObject() } == #"{"k":\#(expected)}"#) }
        }
    }

    @Test func writesTimestampsInPlaceWithCommas() {
        let t = Timestamp(nanoseconds: 1_731_705_121_406_000_000)
        let s = text { w in
            w.beginArray()
            w.timestamp(t)
            w.timestamp(t, fractionDigits: nil)
            w.timestamp(Timestamp(nanoseconds: 1_731_705_121_000_000_123), fractionDigits: 9)
            w.endArray()
        }
        #expect(s == #"["2024-11-15T21:12:01.406Z","2024-11-15T21:12:01.406Z","2024-11-15T21:12:01.000000123Z"]"#)
    }

    /// Growth moves everything written so far (the writer is noncopyable, so there is no copy
    /// whose bytes could be shared or lost).
    @Test func growsPastItsInitialCapacity() {
        var w = JSONWriter(capacity: 1)
        w.beginArray()
        for i in 0..<1000 { w.string("item \(i) é\u{1}") }
        w.endArray()
        let text = String(decoding: w.bytes, as: UTF8.self)
        #expect(text == "[" + (0..<1000).map { #""item \#($0) é\u0001""# }.joined(separator: ",") + "]")
    }

    @Test func byteBufferEmptiesAndRefills() {
        var b = ByteBuffer(capacity: 4)
        b.append(Array("0123456789".utf8))
        b.removeAll()
        #expect(b.count == 0)
        b.append(utf8: "abc")
        b.append(0x21)
        #expect(b.array == Array("abc!".utf8))
        #expect(b.reservedCapacity >= 10)
    }

    /// Text that fits is written into the array's own storage; text that does not spills to the
    /// buffer's memory and is copied once. Either way the array holds exactly the bytes written.
    @Test func writesIntoTheArrayInPlaceAndSpillsPastItsCapacity() {
        func items(_ n: Int) -> (inout JSONWriter) -> Void {
            { w in w.beginArray(); for i in 0..<n { w.string("item \(i) é\u{1}") }; w.endArray() }
        }
        for (capacity, n) in [(4096, 3), (16, 3), (0, 1), (64, 1000)] {
            var reference = JSONWriter()
            items(n)(&reference)
            let inPlace = JSONWriter.bytes(capacity: capacity, items(n))
            #expect(inPlace == reference.bytes, "capacity \(capacity), \(n) items")
        }
        #expect(JSONWriter.bytes(capacity: 32) { _ in }.isEmpty)
    }

    @Test func byteBufferArrayTakesABufferOfItsOwn() {
        let bytes = ByteBuffer.array(capacity: 64) { lent in
            _ = consume lent
            var own = ByteBuffer(capacity: 4)
            own.append(utf8: "own")
            return own
        }
        #expect(bytes == Array("own".utf8))
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
