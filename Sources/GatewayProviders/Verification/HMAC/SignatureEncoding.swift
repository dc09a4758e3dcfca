// How a MAC is written in a signature header.

import GatewayCrypto

enum SignatureEncoding: String, Sendable, CaseIterable {
    case base64, base64url, hex

    /// Decodes `text` into `buffer`; the number of bytes written, or nil when `text` is not in
    /// this encoding or does not fit.
    func decode(_ text: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        switch self {
        case .base64: Base64.decode(bytes: text, into: buffer)
        case .base64url: Base64.decode(bytes: text, urlSafe: true, into: buffer)
        case .hex: Hex.decode(bytes: text, into: buffer)
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
