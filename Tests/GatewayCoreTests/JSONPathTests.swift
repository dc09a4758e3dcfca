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

    @Test func rejectsMalformedPaths() {
        for bad in ["", "a..b", "a.", ".a", "a[", "a[x]", "a]b", "a[0]b"] {
            #expect(throws: JSONPath.SyntaxError.self, "\(bad)") { try JSONPath.compile(bad) }
        }
    }
}
