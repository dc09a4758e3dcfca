// Outbound signing per Standard Webhooks (standardwebhooks.com, the scheme Svix uses), so internal
// services can verify the gateway with any Standard Webhooks library:
//   webhook-id: <event id>   webhook-timestamp: <unix seconds>
//   webhook-signature: v1,<base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>"))>
// The key is the base64 part of a `whsec_…` secret, decoded — exactly what the libraries do.

public import GatewayCore
import GatewayCrypto

public struct StandardWebhooksSigner: Sendable, CustomStringConvertible {
    private let key: HMACKey
    /// Where the secret came from (`env:NAME`), for descriptions; never the secret itself.
    public let origin: String

    public enum KeyError: Error, Sendable, Equatable, CustomStringConvertible {
        case notBase64
        case empty

        public var description: String {
            switch self {
            case .notBase64: "the secret must be a Standard Webhooks secret: 'whsec_' followed by base64"
            case .empty: "the secret is empty"
            }
        }
    }

    /// `secret` is `whsec_<base64>` (the prefix is optional, as in the reference libraries).
    public init(secret: Secret) throws(KeyError) {
        var text = secret.text
        if text.hasPrefix("whsec_") { text.removeFirst("whsec_".count) }
        guard !text.isEmpty else { throw .empty }
        guard let key = Base64.decode(text), !key.isEmpty else { throw .notBase64 }
        self.init(key: key, origin: secret.origin)
    }

    public init(key: [UInt8], origin: String = "inline") {
        self.key = HMACKey(algorithm: .sha256, key: key)
        self.origin = origin
    }

    public var description: String { "StandardWebhooksSigner(<secret from \(origin)>)" }

    /// `v1,<base64 signature>` for one message.
    public func signature(id: String, timestamp: Int64, body: [UInt8]) -> String {
        let mac = key.authenticate(Array(id.utf8), [0x2E], Array(String(timestamp).utf8), [0x2E], body)
        return "v1," + Base64.encode(mac)
    }

    /// Sets the three Standard Webhooks headers on `headers`.
    public func sign(_ headers: inout HeaderFields, id: String, timestamp: Int64, body: [UInt8]) {
        headers.set("webhook-id", id)
        headers.set("webhook-timestamp", String(timestamp))
        headers.set("webhook-signature", signature(id: id, timestamp: timestamp, body: body))
    }
}
