// `verify: none`: accepts every request. Only ever chosen explicitly in a provider file or source;
// decoding records a warning so `check` and startup say that the source is unauthenticated.

public import GatewayCore

public struct NoVerification: VerificationScheme {
    public init() {}

    public func verify(_ webhook: InboundWebhook, context: VerificationContext) throws(VerificationFailure) -> Verified { Verified() }

    public func sign(body: [UInt8], secret: Secret, timestamp: Timestamp, messageID: String) -> HeaderFields {
        HeaderFields()
    }

    public var detectionHeaders: [String] { [] }

    public func deliveryID(of webhook: InboundWebhook) -> String? { nil }
}
