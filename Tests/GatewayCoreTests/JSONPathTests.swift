// Compiled JSON paths: grammar, evaluation, and the errors a provider file author sees.

import Testing
@testable import GatewayCore

@Suite struct JSONPathTests {
    let doc = try! JSON.parse(#"{"data":{"bot":{"id":"b1"},"words":[{"t":"a"},{"t":"b"}],"odd.key":{"x":1}}}"#)

    @Test func followsKeysAndIndexes() throws {
        #expect(try JSONPath.compile("data.bot.id").evaluate(doc) == .string("b1"))
        #expect(try JSONPath.compile("data.words[1].t").evaluate(doc) == .string("b"))
        #expect(try JSONPath.compile("data.words[-1].t").evaluate(doc) == .string("b"))
        #expect(try JSONPath.compile(#"data["odd.key"].x"#).evaluate(doc) == .number("1"))
        #expect(try JSONPath.compile("$.data.bot.id").evaluate(doc) == .string("b1"))
        #expect(try JSONPath.compile("$").evaluate(doc) == doc)
    }

    @Test func yieldsNilForMissingOrMistypedSteps() throws {
        #expect(try JSONPath.compile("data.nope.id").evaluate(doc) == nil)
        #expect(try JSONPath.compile("data.words[5]").evaluate(doc) == nil)
        #expect(try JSONPath.compile("data.bot[0]").evaluate(doc) == nil)
        #expect(try JSONPath.compile("data.words.t").evaluate(doc) == nil)
    }

    @Test func aListTakesTheFirstPathPresentAndNotNull() throws {
        let document = try JSONDocument(parsing: Array(#"{"a":null,"b":{"c":1},"d":"x"}"#.utf8))
        let list = JSONPathList(try ["a", "nope", "b.c", "d"].map(JSONPath.compile))
        #expect(list.firstPresent(in: document, from: document.root).map(document.value(at:)) == .number("1"))
        #expect(list.firstPresent(in: document.value) == .number("1"))
        let absent = JSONPathList(try ["a", "b.x", "d.e"].map(JSONPath.compile))
        #expect(absent.firstPresent(in: document, from: document.root) == nil)
        #expect(absent.firstPresent(in: document.value) == nil)
        #expect(JSONPathList([]).firstPresent(in: document, from: document.root) == nil)
    }

    @Test func rejectsMalformedPaths() {
        for bad in ["", "a..b", "a.", ".a", "a[", "a[x]", "a]b", "a[0]b"] {
            #expect(throws: JSONPath.SyntaxError.self, "\(bad)") { try JSONPath.compile(bad) }
        }
    }

    /// Paths are values: equal when compiled from the same text (separately), whatever object
    /// holds their compiled steps, and usable as set members and dictionary keys.
    @Test func comparesByTextAndComponents() throws {
        let a = try JSONPath.compile("data.words[1].t"), b = try JSONPath.compile("data.words[1].t")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != (try JSONPath.compile("data.words[0].t")))
        #expect(Set([a, b, try JSONPath.compile("$.data.bot.id")]).count == 2)
        let document = try JSONDocument(parsing: Array(#"{"data":{"words":[{"t":"a"},{"t":"b"}]}}"#.utf8))
        let node = try #require(b.evaluate(in: document, from: document.root))
        #expect(document.value(at: node) == .string("b"))
    }
}
