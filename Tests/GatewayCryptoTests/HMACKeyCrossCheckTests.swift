// HMACKey against OpenSSL's own one-shot `HMAC()` for random keys (shorter than, equal to and
// longer than a block) and messages, and a timing of both: the prepared key exists because it is
// faster, and this keeps the comparison reproducible (`swift test -c release --filter CrossCheck`).

import COpenSSL
import GatewayCrypto
import Testing

#if canImport(Glibc)
import Glibc
#endif

private func oneShot(_ algorithm: DigestAlgorithm, key: [UInt8], message: [UInt8]) -> [UInt8] {
    let md = switch algorithm {
    case .sha1: EVP_sha1()
    case .sha256: EVP_sha256()
    case .sha512: EVP_sha512()
    }
    var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    _ = HMAC(md, key, Int32(key.count), message, message.count, &out, &length)
    return Array(out[0..<Int(length)])
}

@Suite struct HMACKeyCrossCheckTests {
    @Test(arguments: DigestAlgorithm.allCases)
    func matchesOpenSSLOneShotForRandomKeysAndMessages(_ algorithm: DigestAlgorithm) {
        for keyLength in [0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 200] {
            let key = secureRandomBytes(keyLength)
            let message = secureRandomBytes(Int(secureRandomBytes(1)[0]) * 3)
            let split = message.count / 3
            let prepared = HMACKey(algorithm: algorithm, key: key)
            let expected = oneShot(algorithm, key: key, message: message)
            #expect(prepared.authenticate(message) == expected, "key length \(keyLength)")
            #expect(prepared.authenticate(Array(message[..<split]), Array(message[split...])) == expected)
        }
    }

    @Test func preparedKeyTimingAgainstOneShot() {
        // Prints µs/op of thread CPU time for a 300-byte message; no wall-time assertion.
        let key = Array("whsec-key-material-32-bytes-long".utf8)
        let message = [UInt8](repeating: 0x61, count: 300)
        let prepared = HMACKey(algorithm: .sha256, key: key)
        func cpu() -> Double { var t = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9 }
        let n = 5_000
        var agree = true
        var start = cpu()
        for _ in 0..<n { agree = agree && prepared.authenticate(message).count == 32 }
        let preparedTime = (cpu() - start) / Double(n) * 1e6
        start = cpu()
        for _ in 0..<n { agree = agree && oneShot(.sha256, key: key, message: message).count == 32 }
        let oneShotTime = (cpu() - start) / Double(n) * 1e6
        print("HMAC-SHA256 300 B: HMACKey \((preparedTime * 100).rounded() / 100) µs/op, HMAC() \((oneShotTime * 100).rounded() / 100) µs/op")
        #expect(agree)
    }
}
