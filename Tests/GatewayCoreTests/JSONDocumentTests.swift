// The token view of a parsed document: every look-up must find what the same look-up on the
// built `JSONValue` tree finds, which is what mappings relied on before they walked tokens.

import Testing
@testable import GatewayCore

@Suite struct JSONDocumentTests {
    static let text = #"""
        {"data":{"bot":{"id":"b1","metadata":{"customer":"acme","n":[1,-2.5e3,true,false,null]}},
         "words":[{"t":"a"},{"t":"b\"q\u00e9\ud83d\ude00"}],"odd.key":{"x":1},"empty":{},"none":[],
         "dup":1,"dup":2,"esc\u0061ped":"yes","\u212A":"kelvin","caf\u00e9":"nfc","z":null}}
        """#
    let doc = try! JSONDocument(parsing: Array(text.utf8))
    let tree = try! JSON.parse(text)

    static let paths = [
        "$", "data", "data.bot", "data.bot.id", "data.bot.metadata", "data.bot.metadata.n", "data.bot.metadata.n[1]",
        "data.bot.metadata.n[-1]", "data.bot.metadata.n[-5]", "data.bot.metadata.n[-6]", "data.bot.metadata.n[5]",
        "data.words[0].t", "data.words[1].t", "data.words[-1].t", #"data["odd.key"].x"#, "data.empty", "data.none",
        "data.none[0]", "data.dup", "data.escaped", "data.K", "data.\u{212A}", "data.café", "data.cafe\u{301}", "data.z",
        "data.nope", "data.bot.id.x", "data.words.t", "data.bot[0]",
    ]

    @Test(arguments: paths)
    func findsWhatTheTreeFinds(_ path: String) throws {
        let p = try JSONPath.compile(path)
        let found = p.evaluate(in: doc, from: doc.root).map { doc.value(at: $0) }
        #expect(found == p.evaluate(tree), "\(path)")
    }

    @Test func buildsTheWholeTreeOnRequest() {
        #expect(doc.value == tree)
        #expect(doc.value.serialized() == tree.serialized())
    }

    @Test func keysAreComparedAsStringsWhenEscapedOrNotASCII() throws {
        let data = try #require(doc.member("data", of: doc.root))
        #expect(doc.member("escaped", of: data).flatMap(doc.string) == "yes")
        // Swift String equality is canonical equivalence, as JSONObject's subscript uses it.
        #expect(doc.member("K", of: data).flatMap(doc.string) == "kelvin")
        #expect(doc.member("cafe\u{301}", of: data).flatMap(doc.string) == "nfc")
        #expect(doc.member("dup", of: data).map { doc.value(at: $0) } == .number("1"))
        #expect(doc.member("", of: data) == nil)
    }

    /// Keys are compared a word at a time: keys sharing their first eight bytes, keys of every
    /// length up to past two words, and keys so close to the end of the document that a word
    /// would reach past it must all be found exactly.
    @Test func findsKeysOfEveryLengthAndNearTheEnd() throws {
        let keys = (0...20).map { String("abcdefghijklmnopqrstu".prefix($0)) } + ["updated_at", "updated_by", "updated_a"]
        let body = "{" + keys.enumerated().map { "\"\($0.element)\":\($0.offset)" }.joined(separator: ",") + "}"
        let d = try JSONDocument(parsing: Array(body.utf8))
        for (i, k) in keys.enumerated() {
            #expect(d.member(k, of: d.root).map { d.value(at: $0) } == .number(String(i)), "\(k)")
        }
        #expect(d.member("updated_c", of: d.root) == nil)
        #expect(d.member("abcdefghijklmnopqrstuv", of: d.root) == nil)
        #expect(d.member("abcdefgX", of: d.root) == nil)
        for k in ["", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi"] {
            let tiny = try JSONDocument(parsing: Array("{\"\(k)\":1}".utf8))
            #expect(tiny.member(k, of: tiny.root) != nil, "\(k)")
            #expect(tiny.member(k + "z", of: tiny.root) == nil, "\(k)")
        }
    }

    @Test func reportsKindsCountsAndElements() throws {
        let data = try #require(doc.member("data", of: doc.root))
        let n = try #require(JSONPath.compile("bot.metadata.n").evaluate(in: doc, from: data))
        #expect(doc.kind(n) == .array)
        #expect(doc.count(n) == 5)
        #expect(doc.elements(of: n).map(doc.kind) == [.number, .number, .true, .false, .null])
        #expect(doc.elements(of: data).isEmpty)
        #expect(doc.count(try #require(doc.member("empty", of: data))) == 0)
        #expect(doc.count(try #require(doc.member("z", of: data))) == 0)
        #expect(doc.string(n) == nil)
        #expect(doc.member("x", of: n) == nil)
        #expect(doc.element(0, of: data) == nil)
    }

    @Test func decodesEscapesOnlyWhenAStringIsRead() throws {
        let t = try #require(JSONPath.compile("data.words[1].t").evaluate(in: doc, from: doc.root))
        #expect(doc.string(t) == "b\"q\u{e9}\u{1F600}")
        let all = try JSONDocument(parsing: Array(#"["\\\/\b\f\n\r\t\u0000\u007f\u07ff\uffff"]"#.utf8))
        #expect(all.string(all.element(0, of: all.root)!) == "\\/\u{8}\u{c}\n\r\t\u{0}\u{7f}\u{7ff}\u{ffff}")
    }

    @Test func scalarDocumentsAreTheirOwnRoot() throws {
        let s = try JSONDocument(parsing: Array(#"  "x"  "#.utf8))
        #expect(s.kind(s.root) == .string)
        #expect(s.string(s.root) == "x")
        let n = try JSONDocument(parsing: Array("-0.5e+2".utf8))
        #expect(n.value == .number("-0.5e+2"))
    }

    @Test func rejectsWhatTheParserRejects() {
        #expect(throws: JSONParseError(.empty, at: 0)) { try JSONDocument(parsing: []) }
        #expect(throws: JSONParseError(.unexpectedEnd, at: 6)) { try JSONDocument(parsing: Array(#"{"a":1"#.utf8)) }
        #expect(throws: JSONParseError(.invalidUnicodeEscape, at: 2)) { try JSONDocument(parsing: Array(#"["\udc00"]"#.utf8)) }
    }

    /// A W1 body's ~25 tokens must stay one allocation under glibc's 1 KiB per-thread cache limit.
    @Test func tokensAreSixteenBytesAndKeepLargeOffsets() throws {
        #expect(MemoryLayout<JSONDocument.Token>.stride == 16)
        let pad = [UInt8](repeating: 0x20, count: 70_000)  // offsets past UInt16, sizes too
        let long = String(repeating: "x", count: 70_000)
        let d = try JSONDocument(parsing: pad + Array(#"{"k":"\#(long)","n":7}"#.utf8))
        #expect(d.member("k", of: d.root).map { d.string($0) } == long)
        #expect(d.member("n", of: d.root).map { d.value(at: $0) } == .number("7"))
    }
}
