// The seam between a provider file's `verify:` section and the ingress: one scheme object per
// source, decoded at load, called for every request. Implementations are immutable and Sendable.

public import GatewayCore

public protocol VerificationScheme: Sendable {
    /// Throws with the reason when `webhook` was not signed by one of `context.secrets`.
    func verify(_ webhook: InboundWebhook, context: VerificationContext) throws(VerificationFailure)

    /// Headers a vendor would send for `body` (used by `webhook-gateway send` and fixtures).
    func sign(body: [UInt8], secret: Secret, timestamp: Timestamp, messageID: String) -> HeaderFields

    /// Header names whose presence identifies this scheme (auto-detecting ingress URL).
    var detectionHeaders: [String] { get }

    /// The delivery id header's value, if the scheme has one (`webhook-id`/`svix-id`): for dedupe.
    func deliveryID(of webhook: InboundWebhook) -> String?

    /// Why `secret` can never verify under this scheme (e.g. not base64 where the key encoding
    /// requires it), or nil when it is usable. Lets the runtime reject a bad secret at startup
    /// instead of answering 401 to every request. The text never includes the secret.
    func secretProblem(_ secret: Secret) -> String?
}

extension VerificationScheme {
    public func secretProblem(_ secret: Secret) -> String? { nil }
}
