// One-shot message digests (content hashes for dedupe keys, event ids, key derivation).

import COpenSSL

/// SHA-256 of `bytes`.
public func sha256(_ bytes: [UInt8]) -> [UInt8] {
    digest(.sha256, bytes)
}

/// The digest of `bytes` under `algorithm`.
public func digest(_ algorithm: DigestAlgorithm, _ bytes: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: algorithm.outputLength)
    var length: UInt32 = 0
    let ok = bytes.withUnsafeBytes { input in
        out.withUnsafeMutableBufferPointer { output in
            EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, algorithm.fetched.md, nil)
        }
    }
    // EVP_Digest only fails on allocation failure or a broken provider; neither is recoverable here.
    precondition(ok == 1 && Int(length) == algorithm.outputLength, "OpenSSL: EVP_Digest failed")
    return out
}
