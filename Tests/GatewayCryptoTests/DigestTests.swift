// SHA-256, constant-time comparison and the random source.

import GatewayCrypto
import Testing

@Suite struct DigestTests {
    @Test func sha256MatchesFIPS180Vectors() {
        #expect(Hex.encode(sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
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
}
