// The seam between a provider file's `verify:` section and the ingress: one scheme object per
// source, decoded at load, called for every request. Implementations are immutable and Sendable.

public import GatewayCore

public protocol VerificationScheme: Sendable {
    /// Throws with the reason when `webhook` was not signed by one of `context.secrets`; else
    /// returns what the verification read that later stages need, so they need not find it again.
    @discardableResult
    func verify(_ webhook: InboundWebhook, context: VerificationContext) throws(VerificationFailure) -> Verified

    /// Headers a vendor would send for `body` (used by `webhook-gateway send` and fixtures).
    func sign(body: [UInt8], secret: Secret, timestamp: Timestamp, messageID: String) -> HeaderFields

    /// Header names whose presence identifies this scheme (auto-detecting ingress URL).
    var detectionHeaders: [String] { get }

    /// The delivery id header's value, if the scheme has one (`webhook-id`/`svix-id`): for dedupe.
    /// `verify` returns the same value; this is for a webhook whose verification was not kept.
    func deliveryID(of webhook: InboundWebhook) -> String?

    /// Why `secret` can never verify under this scheme (e.g. not base64 where the key encoding
    /// requires it), or nil when it is usable. Lets the runtime reject a bad secret at startup
    /// instead of answering 401 to every request. The text never includes the secret.
    func secretProblem(_ secret: Secret) -> String?
}

extension VerificationScheme {
    public func secretProblem(_ secret: Secret) -> String? { nil }
}

/// What a successful verification read from the webhook for the stages after it.
public struct Verified: Sendable {
    /// What `deliveryID(of:)` returns for the webhook: the delivery id of the header family that
    /// carried the signature (read once, by the verification, which also signs it in Svix).
    public var deliveryID: String?

    public init(deliveryID: String? = nil) {
        self.deliveryID = deliveryID
    }
}
