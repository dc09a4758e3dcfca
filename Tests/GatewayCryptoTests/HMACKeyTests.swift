// HMACKey against the published vectors: RFC 4231 (SHA-256/512) and RFC 2202 (SHA-1), including
// keys longer than a block (hashed first) and messages fed in several parts.

import GatewayCrypto
import Testing

struct HMACVector: Sendable, CustomTestStringConvertible {
    let name: String
    let keyHex: String
    let message: [UInt8]
    let expected: String
    var testDescription: String { name }
}

private func hex(_ s: String) -> [UInt8] { Hex.decode(s)! }

let rfc4231: [(HMACVector, String)] = [
    (HMACVector(name: "4231 case 1", keyHex: String(repeating: "0b", count: 20), message: Array("Hi There".utf8),
                expected: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
     "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
    (HMACVector(name: "4231 case 2", keyHex: "4a656665", message: Array("what do ya want for nothing?".utf8),
                expected: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
     "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
    (HMACVector(name: "4231 case 3", keyHex: String(repeating: "aa", count: 20), message: [UInt8](repeating: 0xDD, count: 50),
                expected: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
     "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"),
    (HMACVector(name: "4231 case 4", keyHex: "0102030405060708090a0b0c0d0e0f10111213141516171819", message: [UInt8](repeating: 0xCD, count: 50),
                expected: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
     "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"),
    (HMACVector(name: "4231 case 6 (key larger than block)", keyHex: String(repeating: "aa", count: 131),
                message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
                expected: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
     "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
    (HMACVector(name: "4231 case 7 (key and data larger than block)", keyHex: String(repeating: "aa", count: 131),
                message: Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
                expected: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
     "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"),
]

let rfc2202: [HMACVector] = [
    HMACVector(name: "2202 case 1", keyHex: String(repeating: "0b", count: 20), message: Array("Hi There".utf8),
               expected: "b617318655057264e28bc0b6fb378c8ef146be00"),
    HMACVector(name: "2202 case 2", keyHex: "4a656665", message: Array("what do ya want for nothing?".utf8),
               expected: "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    HMACVector(name: "2202 case 3", keyHex: String(repeating: "aa", count: 20), message: [UInt8](repeating: 0xDD, count: 50),
               expected: "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
    HMACVector(name: "2202 case 4", keyHex: "0102030405060708090a0b0c0d0e0f10111213141516171819", message: [UInt8](repeating: 0xCD, count: 50),
               expected: "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
    HMACVector(name: "2202 case 5", keyHex: String(repeating: "0c", count: 20), message: Array("Test With Truncation".utf8),
               expected: "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
    HMACVector(name: "2202 case 6 (key larger than block)", keyHex: String(repeating: "aa", count: 80),
               message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
               expected: "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
    HMACVector(name: "2202 case 7", keyHex: String(repeating: "aa", count: 80),
               message: Array("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".utf8),
               expected: "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
]

@Suite struct HMACKeyTests {
    @Test(arguments: rfc4231.map(\.0))
    func hmacSHA256MatchesRFC4231(_ v: HMACVector) {
        let key = HMACKey(algorithm: .sha256, key: hex(v.keyHex))
        #expect(Hex.encode(key.authenticate(v.message)) == v.expected)
    }

    @Test(arguments: rfc4231)
    func hmacSHA512MatchesRFC4231(_ v: HMACVector, _ expected512: String) {
        let key = HMACKey(algorithm: .sha512, key: hex(v.keyHex))
        #expect(Hex.encode(key.authenticate(v.message)) == expected512)
    }

    @Test(arguments: rfc2202)
    func hmacSHA1MatchesRFC2202(_ v: HMACVector) {
        let key = HMACKey(algorithm: .sha1, key: hex(v.keyHex))
        #expect(Hex.encode(key.authenticate(v.message)) == v.expected)
    }

    @Test func partsAreAuthenticatedAsTheirConcatenation() {
        let key = HMACKey(algorithm: .sha256, key: Array("Jefe".utf8))
        let whole = key.authenticate(Array("what do ya want for nothing?".utf8))
        #expect(key.authenticate(Array("what do ".utf8), [], Array("ya want for nothing?".utf8)) == whole)
        #expect(key.authenticate(parts: [Array("what".utf8), Array(" do ya want for nothing?".utf8)]) == whole)
        let streamed = key.authenticate { stream in
            stream.update("what do ya")
            stream.update(Array(" want for nothing?".utf8)[...])
        }
        #expect(streamed == whole)
    }

    @Test func oneKeyAuthenticatesRepeatedlyAndConcurrently() async {
        let key = HMACKey(algorithm: .sha256, key: Array("Jefe".utf8))
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        let message = Array("what do ya want for nothing?".utf8)
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<200).allSatisfy { _ in Hex.encode(key.authenticate(message)) == expected } }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == [Bool](repeating: true, count: 8))
    }

    @Test func differentKeysGiveDifferentMACs() {
        let a = HMACKey(algorithm: .sha256, key: Array("key-a".utf8)).authenticate(Array("body".utf8))
        let b = HMACKey(algorithm: .sha256, key: Array("key-b".utf8)).authenticate(Array("body".utf8))
        #expect(a != b)
        #expect(a.count == DigestAlgorithm.sha256.outputLength)
    }

    @Test func emptyKeyAndEmptyMessageAreValid() {
        // Python: hmac.new(b"", b"", hashlib.sha256).hexdigest()
        let mac = HMACKey(algorithm: .sha256, key: []).authenticate()
        #expect(Hex.encode(mac) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
