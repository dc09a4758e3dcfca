// How a MAC is written in a signature header.

import GatewayCrypto

enum SignatureEncoding: String, Sendable, CaseIterable {
    case base64, base64url, hex

    func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        switch self {
        case .base64: Base64.decode(bytes: text)
        case .base64url: Base64.decode(bytes: text, urlSafe: true)
        case .hex: Hex.decode(bytes: text)
        }
    }

    func encode(_ mac: [UInt8]) -> String {
        switch self {
        case .base64: Base64.encode(mac)
        case .base64url: Base64.encode(mac, urlSafe: true)
        case .hex: Hex.encode(mac)
        }
    }
}
