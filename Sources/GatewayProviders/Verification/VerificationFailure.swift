// Why a webhook failed verification. The runtime logs the description and answers a bare 401, so
// descriptions name headers and formats but never a secret, a signature or a header's value.

public struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A header the scheme needs is absent (its name).
        case missingHeader(String)
        /// A header is present but unusable: wrong shape, non-integer or absurd timestamp.
        case badFormat(String)
        /// The timestamp is older than the tolerance allows.
        case staleTimestamp
        /// The timestamp is further in the future than the tolerance allows.
        case futureTimestamp
        /// Well-formed, but no signature matched any secret (what was tried, never the values).
        case mismatch(String)
        /// The source has no usable secret, so nothing can verify.
        case noSecret
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .missingHeader(let name): "missing header \(name)"
        case .badFormat(let what): "bad format: \(what)"
        case .staleTimestamp: "stale timestamp (older than the tolerance)"
        case .futureTimestamp: "timestamp in the future (beyond the tolerance)"
        case .mismatch(let what): "signature mismatch (\(what))"
        case .noSecret: "no usable secret configured"
        }
    }
}
