// How a provider's deliveries are recognised as repeats. Vendors retry and may send an event twice;
// the key must be equal for a retry and differ for a genuinely new event (PROVIDERS.md):
//   "{delivery_id}"                  Svix/Standard Webhooks `webhook-id` / `svix-id`
//   "{call.call_id}:{event}"         Retell (no delivery id)
//   "{call.call_id}:{event}:{body_sha256}"   Retell `transcript_updated`, which repeats legitimately
// Placeholders: event, delivery_id, body_sha256, header:<name>, or a JSON path into the body.

import GatewayCore
import GatewayCrypto

public struct DedupeTemplate: Sendable, CustomStringConvertible {
    enum Part: Sendable {
        case literal(String)
        case event
        case deliveryID
        case bodySHA256
        case header(String)
        case path(JSONPath)
    }

    let parts: [Part]
    public let description: String

    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(compiling text: String) throws(SyntaxError) {
        var parts: [Part] = []
        var literal = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "{" {
                guard let close = text[i...].firstIndex(of: "}") else { throw SyntaxError(description: "unclosed '{' in dedupe key '\(text)'") }
                let name = String(text[text.index(after: i)..<close])
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                switch name {
                case "event": parts.append(.event)
                case "delivery_id": parts.append(.deliveryID)
                case "body_sha256": parts.append(.bodySHA256)
                default:
                    if name.hasPrefix("header:") {
                        let h = String(name.dropFirst(7))
                        guard !h.isEmpty else { throw SyntaxError(description: "empty header name in dedupe key '\(text)'") }
                        parts.append(.header(HeaderFields.lowercase(h)))
                    } else {
                        do throws(JSONPath.SyntaxError) {
                            parts.append(.path(try JSONPath.compile(name)))
                        } catch {
                            throw SyntaxError(description: "dedupe key '\(text)': \(error.message)")
                        }
                    }
                }
                i = text.index(after: close)
            } else {
                if c == "}" { throw SyntaxError(description: "unmatched '}' in dedupe key '\(text)'") }
                literal.append(c)
                i = text.index(after: i)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard parts.contains(where: { if case .literal = $0 { false } else { true } }) else {
            throw SyntaxError(description: "dedupe key '\(text)' has no placeholder, so every delivery would be a duplicate")
        }
        self.parts = parts
        self.description = text
    }

    /// Renders the key. When a placeholder has no value the body's hash is appended: two different
    /// deliveries must never collapse into one because a field was missing (a lost event is worse
    /// than a duplicate).
    func render(event: MeetingEvent, payload: JSONDocument, webhook: InboundWebhook, deliveryID: String?) -> String {
        var out = ""
        var missing = false
        var hashed = false
        func bodyHash() -> String { hashed = true; return Hex.encode(sha256(webhook.body)) }
        for p in parts {
            switch p {
            case .literal(let s): out += s
            case .event: out += event.providerEvent
            case .deliveryID:
                if let d = deliveryID, !d.isEmpty { out += d } else { missing = true }
            case .bodySHA256: out += bodyHash()
            case .header(let h):
                if let v = webhook.headers[h], !v.isEmpty { out += v } else { missing = true }
            case .path(let path):
                if let n = path.evaluate(in: payload, from: payload.root), let t = MappingExpression.text(payload.value(at: n)) { out += t } else { missing = true }
            }
        }
        if missing && !hashed { out += "#" + bodyHash() }
        return out
    }
}

/// A provider's dedupe key: one template, optionally overridden per vendor event.
public struct DedupeRule: Sendable {
    public let key: DedupeTemplate
    public let events: [String: DedupeTemplate]

    public init(key: DedupeTemplate, events: [String: DedupeTemplate] = [:]) {
        self.key = key
        self.events = events
    }

    public func template(for providerEvent: String) -> DedupeTemplate { events[providerEvent] ?? key }
}
