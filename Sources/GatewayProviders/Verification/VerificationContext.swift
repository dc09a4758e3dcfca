// What a verification needs besides the request: the source's secrets and the clock.

public import GatewayCore

public struct VerificationContext: Sendable {
    /// Every secret that may have signed the request; during a key rotation any one may match.
    public var secrets: [Secret]
    /// Replay window in seconds, overriding the scheme's own default when set.
    public var tolerance: Double?
    /// The time to check timestamps against (injected so tests and fixtures are reproducible).
    public var now: Timestamp

    public init(secrets: [Secret], tolerance: Double? = nil, now: Timestamp) {
        self.secrets = secrets
        self.tolerance = tolerance
        self.now = now
    }
}
