// The loader on damaged input: every mutation of a real configuration either loads or fails with
// located errors; none crashes, hangs or produces an error without a position.

import GatewayConfig
import GatewayCore
import Testing

@Suite struct YAMLLoaderRobustnessTests {
    /// A small deterministic generator (64-bit LCG), so a failure reproduces.
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let seed = """
        server: {listen: "127.0.0.1:8080", body_limit: 10MiB}
        defaults: &d
          retry: {schedule: [1s, 5m]}
        sources:
          - name: recall
            provider: recall
            secret: ${env:RECALL}
            response: |
              {"ok": true}
        sinks:
          - <<: *d
            name: out
            type: stdout
            filter: {types: [session.*], sources: recall}
        """

    @Test func mutatedDocumentsLoadOrFailWithLocatedErrors() {
        var rng = LCG(state: 0x5EED)
        let alphabet = Array(" \n\t:-[]{},&*!|>'\"#%@`?<<~\u{FEFF}é".utf8)
        let original = Array(Self.seed.utf8)
        var loaded = 0, failed = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<(1 + rng.next(4)) {
                let at = rng.next(bytes.count)
                switch rng.next(3) {
                case 0: bytes[at] = alphabet[rng.next(alphabet.count)]
                case 1: bytes.insert(alphabet[rng.next(alphabet.count)], at: at)
                default: bytes.remove(at: at)
                }
            }
            do {
                _ = try YAMLLoader.load(text: String(decoding: bytes, as: UTF8.self), file: "m.yaml")
                loaded += 1
            } catch {
                failed += 1
                #expect(!error.errors.isEmpty)
                #expect(error.errors.allSatisfy { $0.location.file == "m.yaml" && $0.location.line >= 1 && $0.location.column >= 1 },
                        "\(error)")
            }
        }
        #expect(loaded > 0 && failed > 0)
    }

    @Test func truncatedDocumentsLoadOrFailWithLocatedErrors() {
        let original = Array(Self.seed.utf8)
        for end in 0...original.count {
            do {
                _ = try YAMLLoader.load(text: String(decoding: original[0..<end], as: UTF8.self), file: "t.yaml")
            } catch {
                #expect(error.errors.allSatisfy { $0.location.line >= 1 }, "\(error)")
            }
        }
    }
}
