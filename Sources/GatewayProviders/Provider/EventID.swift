// Gateway event ids: deterministic from the source and the dedupe key, so a redelivered webhook
// always yields the same id (consumers can dedupe on it too) and two sources never collide.

import GatewayCrypto

public enum EventID {
    /// `evt_` + the first 26 characters of base32(SHA-256(source + "\n" + dedupeKey)): 130 bits.
    public static func make(source: String, dedupeKey: String) -> String {
        var input = Array(source.utf8)
        input.append(0x0A)
        input.append(contentsOf: dedupeKey.utf8)
        var id = Array("evt_".utf8)
        id.append(contentsOf: Base32.encode(sha256(input)).utf8.prefix(26))
        return String(decoding: id, as: UTF8.self)
    }
}
