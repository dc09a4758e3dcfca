// Gateway event ids: deterministic from the source and the dedupe key, so a redelivered webhook
// always yields the same id (consumers can dedupe on it too) and two sources never collide.

import GatewayCrypto

public enum EventID {
    /// `evt_` + the first 26 characters of base32(SHA-256(source + "\n" + dedupeKey)): 130 bits.
    public static func make(source: String, dedupeKey: String) -> String {
        var input = [UInt8]()
        input.reserveCapacity(source.utf8.count + 1 + dedupeKey.utf8.count)
        input.append(contentsOf: source.utf8)
        input.append(0x0A)
        input.append(contentsOf: dedupeKey.utf8)
        let digest = sha256(input)
        // Written in place, one allocation: the prefix array, the whole base32 string and the
        // conversions between them cost four more per webhook.
        return String(unsafeUninitializedCapacity: 30) { out in
            _ = UnsafeMutableBufferPointer(rebasing: out[0..<4]).initialize(from: "evt_".utf8)
            return 4 + digest.withUnsafeBytes { Base32.write($0, to: UnsafeMutableBufferPointer(rebasing: out[4...])) }
        }
    }
}
