// Every class of loader error, each with its exact file:line:column.

import Foundation
import GatewayConfig
import GatewayCore
import Testing

@Suite struct YAMLLoaderErrorTests {
    @Test func syntaxErrorNamesLibyamlsProblemAndItsPosition() {
        let errors = yamlErrors("""
            server:
              listen: a: b
            """)
        #expect(errors == ["test.yaml:2:12: YAML syntax error: mapping values are not allowed in this context"])
    }

    @Test func syntaxErrorIncludesTheConstructItWasInside() {
        let errors = yamlErrors("list: [a, b\nnext: c\n")
        #expect(errors == [
            "test.yaml:2:5: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence started at 1:7)",
        ])
    }

    @Test func badIndentationIsASyntaxError() {
        let errors = yamlErrors("a:\n  b: 1\n c: 2\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("test.yaml:3:2: YAML syntax error:") == true)
    }

    @Test func invalidUTF8IsReportedWithItsPosition() throws {
        let bytes: [UInt8] = Array("a: 1\nb: x".utf8) + [0xFF] + Array("\n".utf8)
        let path = try temporaryFile(String(decoding: [], as: UTF8.self))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigErrors.self) { try YAMLLoader.load(path: path) }
        do {
            _ = try YAMLLoader.load(path: path)
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.errors.first?.location == SourceLocation(file: path, line: 2, column: 5))
            #expect(error.errors.first?.message.hasPrefix("invalid YAML input:") == true)
        }
    }

    @Test func duplicateKeyIsReportedAtTheSecondOccurrence() {
        let errors = yamlErrors("""
            server:
              listen: a
              listen: b
            """)
        #expect(errors == ["test.yaml:3:3: duplicate key 'listen' (first defined at 2:3)"])
    }

    @Test func duplicateKeysInFlowMappingsAreRejected() {
        #expect(yamlErrors("{a: 1, b: 2, a: 3}") == ["test.yaml:1:14: duplicate key 'a' (first defined at 1:2)"])
    }

    @Test func allDuplicateKeysAreReportedTogether() {
        let errors = yamlErrors("a: 1\na: 2\nb: 1\nb: 2\n")
        #expect(errors == [
            "test.yaml:2:1: duplicate key 'a' (first defined at 1:1)",
            "test.yaml:4:1: duplicate key 'b' (first defined at 3:1)",
        ])
    }

    @Test func secondDocumentIsRejected() {
        let errors = yamlErrors("a: 1\n---\nb: 2\n")
        #expect(errors == ["test.yaml:2:1: more than one YAML document in the file; a configuration file holds exactly one"])
    }

    @Test func nonScalarKeysAreRejected() {
        let errors = yamlErrors("? [a, b]\n: c\n")
        #expect(errors == ["test.yaml:1:3: mapping keys must be scalars, found a list"])
    }

    @Test func unknownAliasIsRejected() {
        #expect(yamlErrors("a: *nowhere\n") == ["test.yaml:1:4: unknown alias '*nowhere' (an anchor '&nowhere' must come before its aliases)"])
    }

    @Test func aliasToItsOwnEnclosingNodeIsRejectedNotLooped() {
        let errors = yamlErrors("a: &self {b: *self}\n")
        #expect(errors == ["test.yaml:1:14: unknown alias '*self' (an anchor '&self' must come before its aliases)"])
    }

    @Test func mergeOfAScalarIsRejected() {
        #expect(yamlErrors("a:\n  <<: just text\n") == ["test.yaml:2:7: merge key '<<' needs a mapping or a list of mappings, found a scalar"])
    }

    @Test func unsupportedTagsAreRejected() {
        #expect(yamlErrors("a: !!binary aGVsbG8=\nb: !Ref x\n") == [
            "test.yaml:1:4: unsupported YAML tag '!!binary'; only !!str is understood (or quote the value)",
            "test.yaml:2:4: unsupported YAML tag '!Ref'; only !!str is understood (or quote the value)",
        ])
    }

    @Test func missingFileNamesTheFileAndTheReason() {
        #expect(throws: ConfigErrors.self) { try YAMLLoader.load(path: "/nonexistent/gateway.yaml") }
        do {
            _ = try YAMLLoader.load(path: "/nonexistent/gateway.yaml")
        } catch {
            #expect(error.description == "/nonexistent/gateway.yaml: cannot open: No such file or directory")
        }
    }

    @Test func directoryInsteadOfAFileIsAReadError() throws {
        let dir = try temporaryDirectory()
        do {
            _ = try YAMLLoader.load(path: dir)
            Issue.record("a directory loaded")
        } catch {
            #expect(error.description == "\(dir): cannot read: Is a directory")
        }
    }

    @Test func errorsCollectedBeforeASyntaxErrorAreKept() {
        let errors = yamlErrors("a: 1\na: 2\nb: [\n")
        #expect(errors.count == 2)
        #expect(errors.first == "test.yaml:2:1: duplicate key 'a' (first defined at 1:1)")
        #expect(errors.last?.contains("YAML syntax error") == true)
    }
}

@Suite struct YAMLLoaderHintTests {
    @Test func unquotedSecretReferenceInAFlowListGetsAQuotingHint() {
        let errors = yamlErrors("secrets: [${env:A}, ${env:B}]\n")
        #expect(errors == [
            "test.yaml:1:12: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence started at 1:10); quote secret references inside [ ] or { }: \"${env:NAME}\"",
        ])
    }

    @Test func quotedSecretReferencesInAFlowListLoad() throws {
        let root = try yaml("secrets: [\"${env:A}\", '${env:B}']\n")
        #expect(root["secrets"]?.items.map(\.value) == [.scalar("${env:A}", quoted: true), .scalar("${env:B}", quoted: true)])
    }

    @Test func blockListOfSecretReferencesNeedsNoQuotes() throws {
        let root = try yaml("secrets:\n  - ${env:A}\n  - ${file:/run/b}\n")
        #expect(root["secrets"]?.items.map(\.scalar) == ["${env:A}", "${file:/run/b}"])
    }
}
