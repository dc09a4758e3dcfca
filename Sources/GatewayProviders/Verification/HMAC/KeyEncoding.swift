// How a configured secret's text becomes HMAC key bytes. Vendors differ: Retell and Reflector use
// the secret's UTF-8 bytes, Standard Webhooks/Svix base64-decode the text after `whsec_`.

import GatewayCore
import GatewayCrypto

enum KeyEncoding: String, Sendable, CaseIterable {
    /// The secret's bytes as written.
    case utf8
    /// Standard base64, padding optional.
    case base64
    /// Standard Webhooks: an optional `whsec_` prefix, then standard base64 (padding optional).
    /// A secret without the prefix is the same key.
    case base64Whsec = "base64-whsec"
    /// Hexadecimal, either case.
    case hex

    func keyBytes(_ secret: Secret) -> [UInt8]? {
        switch self {
        case .utf8:
            return secret.bytes
        case .base64:
            return secret.bytes.withUnsafeBufferPointer { Base64.decode(bytes: $0) }
        case .base64Whsec:
            let prefix = Array("whsec_".utf8)
            let start = secret.bytes.starts(with: prefix) ? prefix.count : 0
            return secret.bytes.withUnsafeBufferPointer { Base64.decode(bytes: UnsafeBufferPointer(rebasing: $0[start...])) }
        case .hex:
            return secret.bytes.withUnsafeBufferPointer { Hex.decode(bytes: $0) }
        }
    }

    /// Why `secret` cannot be a key in this encoding, without quoting it.
    func problem(_ secret: Secret) -> String? {
        guard let bytes = keyBytes(secret) else {
            return "secret from \(secret.origin) is not valid \(rawValue) (key encoding '\(rawValue)')"
        }
        return bytes.isEmpty ? "secret from \(secret.origin) decodes to an empty key" : nil
    }
}
