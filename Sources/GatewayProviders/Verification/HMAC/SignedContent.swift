// The bytes a vendor feeds to HMAC, as a template over the request: `{message_id}.{timestamp}.{body}`
// (Standard Webhooks), `{body}{timestamp}` (Retell), `v0:{timestamp}:{body}` (Slack), `{body}`
// (GitHub, Shopify). Compiled at load; at request time the parts are streamed into the MAC in
// order, so the body is never copied into a concatenated buffer.

import GatewayCore

struct SignedContent: Sendable {
    enum Part: Sendable, Equatable {
        case literal([UInt8])
        case body
        case timestamp
        case messageID
    }

    let parts: [Part]
    let text: String

    static let placeholders: [String: Part] = ["body": .body, "timestamp": .timestamp, "message_id": .messageID]

    static func compile(_ text: String) -> Result<SignedContent, PatternError> {
        var parts: [Part] = []
        var literal: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "}") { return .failure(PatternError("unmatched '}' in content '\(text)'")) }
            guard b == UInt8(ascii: "{") else { literal.append(b); i += 1; continue }
            guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")) else {
                return .failure(PatternError("unclosed '{' in content '\(text)'"))
            }
            let name = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
            guard let part = placeholders[name] else {
                let known = placeholders.keys.sorted()
                let hint = ConfigReader.suggestion(for: name, in: known)
                return .failure(PatternError(
                    "unknown placeholder {\(name)} in content '\(text)'; known: \(known.map { "{\($0)}" }.joined(separator: ", "))\(hint)"))
            }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = [] }
            parts.append(part)
            i = close + 1
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard parts.contains(.body) else {
            return .failure(PatternError("content '\(text)' must include {body}: a MAC that does not cover the body protects nothing"))
        }
        return .success(SignedContent(parts: parts, text: text))
    }

    func uses(_ part: Part) -> Bool { parts.contains(part) }
}
