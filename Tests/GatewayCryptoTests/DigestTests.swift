// SHA-256, constant-time comparison and the random source.

import GatewayCrypto
import Testing

@Suite struct DigestTests {
    @Test func sha256MatchesFIPS180Vectors() {
        #expect(Hex.encode(sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test(arguments: DigestAlgorithm.allCases)
    func aDigestFedInPartsEqualsTheOneShotDigestOfTheirConcatenation(_ algorithm: DigestAlgorithm) {
        // FIPS 180 "abc" vectors for the one-shot side, so both paths are pinned, not just equal.
        let abc = ["sha1": "a9993e364706816aba3e25717850c26c9cd0d89d",
                   "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                   "sha512": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"]
        #expect(Hex.encode(digest(algorithm, Array("abc".utf8))) == abc[algorithm.rawValue])
        let parts = ["", "recall", "\n", "", String(repeating: "msg_2abc", count: 40), "é"]
        var d = Digester(algorithm)
        for p in parts { d.update(p) }
        let streamed = d.finish { Array($0) }
        #expect(streamed == digest(algorithm, Array(parts.joined().utf8)))
        #expect(streamed.count == algorithm.outputLength)
    }

    @Test func constantTimeEqualsComparesLengthThenBytes() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(constantTimeEquals([], []))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([], [0]))
    }

    @Test func secureRandomBytesHaveRequestedLengthAndDiffer() {
        #expect(secureRandomBytes(0).isEmpty)
        let a = secureRandomBytes(32), b = secureRandomBytes(32)
        #expect(a.count == 32 && b.count == 32)
        #expect(a != b)  // 2^-256 chance of a false failure
    }

    @Test func randomPoolDrawsNeverRepeatAcrossRefills() {
        #expect(RandomPool.bytes(0).isEmpty)
        // 300 draws of 16 bytes cross at least one 4 KiB refill; a repeated (or all-zero) draw
        // would mean the pool handed out the same bytes twice or an unfilled buffer.
        var seen = Set<[UInt8]>()
        for _ in 0..<300 {
            let draw = RandomPool.bytes(16)
            #expect(draw.count == 16)
            #expect(draw.contains { $0 != 0 })
            #expect(seen.insert(draw).inserted)
        }
        #expect(RandomPool.bytes(4096).count == 4096)
    }
}
