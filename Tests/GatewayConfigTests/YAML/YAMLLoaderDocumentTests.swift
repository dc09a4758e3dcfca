// Valid documents: block and flow styles, multi-line strings, nulls and quoting, anchors, aliases
// and merge keys, and the file:line:column every node carries.

import GatewayConfig
import GatewayCore
import Testing

@Suite struct YAMLLoaderDocumentTests {
    @Test func blockMappingsAndListsKeepOrderAndLocations() throws {
        let root = try yaml("""
            server:
              listen: 127.0.0.1:8080
            sources:
              - name: recall
              - name: retell
            """)
        #expect(root.keyOrder == ["server", "sources"])
        #expect(root.at("server", "listen")?.value == scalar("127.0.0.1:8080"))
        #expect(root.at("server", "listen")?.location == SourceLocation(file: "test.yaml", line: 2, column: 11))
        #expect(root.at("sources", 1, "name")?.value == scalar("retell"))
        #expect(root.at("sources", 1, "name")?.location.description == "test.yaml:5:11")
        #expect(root.at("sources", 0)?.location.description == "test.yaml:4:5")
    }

    @Test func flowStyleEqualsBlockStyle() throws {
        let flow = try yaml("a: {b: [1, 2, {c: d}], e: f}")
        let block = try yaml("""
            a:
              b:
                - 1
                - 2
                - c: d
              e: f
            """)
        #expect(flow.at("a", "b", 2, "c")?.value == scalar("d"))
        #expect(flow.shape == block.shape)
        #expect(flow.shape == "{a: {b: [1, 2, {c: d}], e: f}}")
        #expect(flow.at("a", "e")?.location.description == "test.yaml:1:27")
    }

    @Test func literalAndFoldedScalarsKeepTheirLineBreaks() throws {
        let root = try yaml("""
            literal: |
              line one
              line two
            folded: >
              folded one
              folded two
            stripped: |-
              no newline
            """)
        #expect(root["literal"]?.value == .scalar("line one\nline two\n", quoted: true))
        #expect(root["folded"]?.value == .scalar("folded one folded two\n", quoted: true))
        #expect(root["stripped"]?.value == .scalar("no newline", quoted: true))
    }

    @Test func unquotedNullWordsBecomeNullButQuotedOnesStayText() throws {
        let root = try yaml("""
            empty:
            tilde: ~
            word: null
            quoted: "null"
            single: ''
            yes_word: "yes"
            plain: yes
            """)
        #expect(root["empty"]?.isNull == true)
        #expect(root["tilde"]?.isNull == true)
        #expect(root["word"]?.isNull == true)
        #expect(root["quoted"]?.value == .scalar("null", quoted: true))
        #expect(root["single"]?.value == .scalar("", quoted: true))
        #expect(root["yes_word"]?.value == .scalar("yes", quoted: true))
        #expect(root["plain"]?.value == scalar("yes"))
    }

    @Test func stringTagMarksAPlainScalarAsText() throws {
        let root = try yaml("port: !!str 8080")
        #expect(root["port"]?.value == .scalar("8080", quoted: true))
    }

    @Test func emptyFileAndCommentOnlyFileAreANullDocument() throws {
        #expect(try yaml("").isNull)
        #expect(try yaml("# nothing here\n").isNull)
        #expect(try yaml("").location.description == "test.yaml:1:1")
        #expect(try yaml("---\n").isNull)
    }

    @Test func aliasesExpandToCopiesLocatedWhereUsed() throws {
        let root = try yaml("""
            base: &retry
              base: 1s
              cap: 5m
            sink_a:
              retry: *retry
            sink_b:
              retry: *retry
            """)
        #expect(root.at("sink_a", "retry", "cap")?.value == scalar("5m"))
        #expect(root.at("sink_b", "retry")?.value == root["base"]?.value)
        // The copy's root points at the alias; its contents at the anchored text.
        #expect(root.at("sink_b", "retry")?.location.description == "test.yaml:7:10")
        #expect(root.at("sink_b", "retry", "cap")?.location.description == "test.yaml:3:8")
    }

    @Test func scalarAnchorsWork() throws {
        let root = try yaml("a: &x hello\nb: *x\n")
        #expect(root["b"]?.value == scalar("hello"))
    }

    @Test func mergeKeysAddMissingKeysAndExplicitKeysWin() throws {
        let root = try yaml("""
            defaults: &d
              ordering: per_session
              concurrency: 4
            sink:
              concurrency: 8
              <<: *d
              name: ops
            """)
        let sink = try #require(root["sink"])
        #expect(sink["concurrency"]?.value == scalar("8"))
        #expect(sink["ordering"]?.value == scalar("per_session"))
        #expect(sink["name"]?.value == scalar("ops"))
        #expect(sink["<<"] == nil)
        #expect(sink.keyOrder == ["concurrency", "ordering", "name"])
    }

    @Test func mergeOfAListGivesPrecedenceToEarlierMappings() throws {
        let root = try yaml("""
            a: &a {x: 1, y: 1}
            b: &b {y: 2, z: 2}
            c:
              <<: [*a, *b]
            """)
        let c = try #require(root["c"])
        #expect(c["x"]?.value == scalar("1"))
        #expect(c["y"]?.value == scalar("1"))
        #expect(c["z"]?.value == scalar("2"))
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try yaml("\"<<\": {a: 1}")
        #expect(root.keyOrder == ["<<"])
    }

    @Test func explicitDocumentMarkersAreAccepted() throws {
        let root = try yaml("---\na: 1\n...\n")
        #expect(root["a"]?.value == scalar("1"))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let root = try yaml("\u{FEFF}a: 1\n")
        #expect(root.keyOrder == ["a"])
        #expect(root["a"]?.location.description == "test.yaml:1:4")
    }

    @Test func laterAnchorOfTheSameNameReplacesTheEarlierOne() throws {
        let root = try yaml("a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
        #expect(root["b"]?.scalar == "1")
        #expect(root["d"]?.scalar == "2")
    }

    @Test func keysAreNeverNullEvenWhenTheyLookLikeIt() throws {
        let root = try yaml("~: a\nnull: b\n")
        #expect(root.keyOrder == ["~", "null"])
    }

    @Test func loadsFromAFile() throws {
        let path = try temporaryFile("x: [1, 2]\n")
        let root = try YAMLLoader.load(path: path)
        #expect(root.at("x", 1)?.value == scalar("2"))
        #expect(root.at("x", 1)?.location == SourceLocation(file: path, line: 1, column: 8))
    }
}
