// The limits that keep a hostile document from eating memory or stack: each fails fast and says
// which limit was hit, where.

import Foundation
import GatewayConfig
import GatewayCore
import Testing

@Suite struct YAMLLimitsTests {
    /// Nine levels of ten-fold aliases: 10^9 nodes if expanded.
    static let billionLaughs: String = {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for i in 1...8 {
            let p = "*a\(i - 1)"
            lines.append("a\(i): &a\(i) [\(Array(repeating: p, count: 10).joined(separator: ", "))]")
        }
        lines.append("bomb: [*a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8, *a8]")
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test func aliasBombStopsAtTheNodeLimitQuickly() {
        let start = ContinuousClock.now
        let errors = yamlErrors(Self.billionLaughs)
        let elapsed = ContinuousClock.now - start
        // The error points at the alias that crosses the limit, inside the first anchor whose
        // expansion is too big: a4 on line 5 (111 111 nodes).
        #expect(errors == ["test.yaml:5:45: document has more than the limit of 100000 nodes (counting what aliases expand to)"])
        #expect(elapsed < .seconds(1))
    }

    @Test func nodeLimitAlsoAppliesWithoutAliases() {
        let doc = "[" + Array(repeating: "x", count: 50).joined(separator: ", ") + "]"
        #expect(yamlErrors(doc, limits: YAMLLimits(maxNodes: 51)) == [])
        #expect(yamlErrors(doc, limits: YAMLLimits(maxNodes: 50)) == [
            "test.yaml:1:149: document has more than the limit of 50 nodes (counting what aliases expand to)",
        ])
    }

    @Test func deepNestingIsRefusedAtTheFirstLevelTooDeep() {
        let doc = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let errors = yamlErrors(doc)
        #expect(errors == ["test.yaml:1:65: nesting deeper than the limit of 64 levels"])
    }

    @Test func nestingAtTheLimitIsAccepted() throws {
        let doc = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try yaml(doc) }
    }

    @Test func aliasThatWouldNestTooDeepIsRefused() {
        let limits = YAMLLimits(maxDepth: 4)
        let doc = "a: &deep [[x]]\nb: {c: {d: *deep}}\n"
        #expect(yamlErrors(doc, limits: limits) == ["test.yaml:2:12: alias '*deep' nests deeper than the limit of 4 levels"])
        #expect(yamlErrors("a: &deep [[x]]\nb: {c: *deep}\n", limits: limits) == [])
    }

    @Test func fileLargerThanTheLimitIsRefusedBeforeParsing() throws {
        let path = try temporaryFile("a: " + String(repeating: "x", count: 2000) + "\n")
        #expect(throws: ConfigErrors.self) { try YAMLLoader.load(path: path, limits: YAMLLimits(maxFileSize: 1024)) }
        do {
            _ = try YAMLLoader.load(path: path, limits: YAMLLimits(maxFileSize: 1024))
        } catch {
            #expect(error.description == "\(path): file is larger than the limit of 1KiB")
        }
        #expect(yamlErrors("a: " + String(repeating: "x", count: 2000), limits: YAMLLimits(maxFileSize: 1024)) == [
            "test.yaml: file is larger than the limit of 1KiB",
        ])
    }

    @Test func defaultFileLimitIsFourMebibytes() throws {
        let big = String(repeating: "# padding line of a big file\n", count: (4 << 20) / 29 + 1)
        let path = try temporaryFile(big)
        do {
            _ = try YAMLLoader.load(path: path)
            Issue.record("a file over 4 MiB loaded")
        } catch {
            #expect(error.description.hasSuffix("file is larger than the limit of 4MiB"))
        }
    }

    @Test func longScalarIsRefused() {
        let doc = "a: ok\nb: " + String(repeating: "y", count: 101) + "\n"
        #expect(yamlErrors(doc, limits: YAMLLimits(maxScalarLength: 100)) == [
            "test.yaml:2:4: scalar longer than the limit of 100 bytes",
        ])
    }
}
