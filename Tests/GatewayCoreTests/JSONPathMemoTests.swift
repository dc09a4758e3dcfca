// Paths interned together and read through a per-document memo must find exactly what each finds
// alone, in any order and repeatedly, and the memo must serve look-ups from the root only.

import Testing
@testable import GatewayCore

@Suite struct JSONPathMemoTests {
    let doc = try! JSONDocument(parsing: Array(JSONDocumentTests.text.utf8))

    /// Runs `body` with a fresh memo for `prefixes`.
    func withMemo(_ prefixes: JSONPathPrefixes, _ body: (JSONPathMemo?) throws -> Void) rethrows {
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: prefixes.count) { try body(JSONPathMemo(initializing: $0)) }
    }

    @Test func internedPathsFindWhatEachFindsAlone() throws {
        let alone = try JSONDocumentTests.paths.map { JSONPathList([try JSONPath.compile($0)]) }
        var prefixes = JSONPathPrefixes()
        let interned = alone.map { prefixes.intern($0) }
        for order in [Array(alone.indices), alone.indices.reversed()] {
            try withMemo(prefixes) { memo in
                let memo = try #require(memo)
                // Twice: the second round finds its prefixes, present or absent, in the memo.
                for _ in 0..<2 {
                    for i in order {
                        #expect(interned[i].firstPresent(in: doc, from: doc.root, memo: memo)
                                == alone[i].firstPresent(in: doc, from: doc.root), "\(JSONDocumentTests.paths[i])")
                    }
                }
            }
        }
    }

    @Test func sharedPrefixesShareSlots() throws {
        var prefixes = JSONPathPrefixes()
        for p in ["data.bot.id", "data.bot.metadata", "data.words[0].t", "data.words[1].t", "$.data.bot.id", "$"] {
            _ = prefixes.intern(try JSONPath.compile(p))
        }
        // data, data.bot, data.bot.id, data.bot.metadata, data.words, [0], [0].t, [1], [1].t
        #expect(prefixes.count == 9)
        #expect(JSONPathMemo(initializing: UnsafeMutableBufferPointer(start: nil, count: 0)) == nil)
    }

    @Test func aMemoServesLookUpsFromTheRootOnly() throws {
        var prefixes = JSONPathPrefixes()
        let id = prefixes.intern(JSONPathList([try JSONPath.compile("bot.id")]))
        let data = try #require(doc.member("data", of: doc.root))
        try withMemo(prefixes) { memo in
            // From the root `bot` is absent, and the memo records it...
            #expect(id.firstPresent(in: doc, from: doc.root, memo: memo) == nil)
            // ...which must not hide `data.bot.id` when the same path is read from `data`.
            let found = try #require(id.firstPresent(in: doc, from: data, memo: memo))
            #expect(doc.string(found) == "b1")
        }
    }
}
