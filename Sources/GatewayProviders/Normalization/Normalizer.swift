// The seam between a verified webhook and the common meeting event. The declarative mapping of a
// provider file is the built-in implementation; a vendor too irregular for it gets a Swift type
// registered by name in `NormalizerRegistry`, which its provider file then names.

public import GatewayCore

public protocol Normalizer: Sendable {
    /// The common event for an already parsed and verified payload (`document.value` is the whole
    /// tree; `JSONPath.evaluate(in:from:)` reads single fields without building it). `source` is
    /// the configured endpoint name. Unknown vendor events must become `provider.unknown`, not errors.
    func normalize(_ document: JSONDocument, webhook: InboundWebhook, source: String) throws(NormalizationError) -> MeetingEvent
}

/// Why a verified webhook could not become an event; the runtime answers 400 and logs the reason.
public struct NormalizationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The body is not a JSON document (the parse error says where).
        case notJSON(JSONParseError)
        /// A Swift normaliser rejected the payload (its own words).
        case rejected(String)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .notJSON(let e): "body is not JSON: \(e)"
        case .rejected(let why): "payload rejected: \(why)"
        }
    }
}
