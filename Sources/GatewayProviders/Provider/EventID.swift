// Gateway event ids: deterministic from the source and the dedupe key, so a redelivered webhook
// always yields the same id (consumers can dedupe on it too) and two sources never collide.

import GatewayCrypto

public enum EventID {
    /// `evt_` + the first 26 characters of base32(SHA-256(source + "\n" + dedupeKey)): 130 bits.
    public static func make(source: String, dedupeKey: String) -> String {
        var digester = Digester(.sha256)
        digester.update(source)
        digester.update("\n")
        digester.update(dedupeKey)
        // Written in place, one allocation (the string): the input and digest arrays, the prefix
        // array, the whole base32 string and the conversions between them cost six more.
        return digester.finish { digest in
            String(unsafeUninitializedCapacity: 30) { out in
                _ = UnsafeMutableBufferPointer(rebasing: out[0..<4]).initialize(from: "evt_".utf8)
                return 4 + Base32.write(digest, to: UnsafeMutableBufferPointer(rebasing: out[4...]))
            }
        }
    }
}
