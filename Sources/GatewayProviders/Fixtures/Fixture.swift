// A golden fixture from a provider file: one request as the vendor would send it, and what the
// gateway must make of it (verdict, and a subset of the normalised event).

public import GatewayCore

public struct Fixture: Sendable {
    public enum Verdict: String, Sendable, CaseIterable {
        /// Verified and normalised (2xx).
        case ok
        /// Verification failed (401).
        case unauthorized
        /// Verified, but the body is not JSON (400).
        case badRequest = "bad_request"
    }

    /// How to sign at test time with the scheme's own `sign()`, so fixtures need no hand-computed
    /// signatures. `secret` defaults to the fixture's first secret, `at` to `now`.
    public struct Signing: Sendable {
        public var secret: Secret?
        public var at: Timestamp?
        public var messageID: String
        public init(secret: Secret? = nil, at: Timestamp? = nil, messageID: String = "msg_fixture") {
            self.secret = secret; self.at = at; self.messageID = messageID
        }
    }

    public var name: String
    public var location: SourceLocation
    public var headers: HeaderFields
    public var body: [UInt8]
    /// The verifier's clock, and the request's receipt time.
    public var now: Timestamp
    /// Public test secrets only; any may match (rotation).
    public var secrets: [Secret]
    public var signing: Signing?
    /// Appends a space to the body after signing: the signature must then fail.
    public var tamper: Bool
    public var verdict: Verdict
    /// Subset of the envelope's `data` object the normalised event must contain.
    public var expectedEvent: JSONValue?
    /// Subset of the whole CloudEvents envelope.
    public var expectedEnvelope: JSONValue?
    public var expectedDedupeKey: String?
    /// The source name the fixture runs as (default: the provider id).
    public var source: String?

    public init(name: String, location: SourceLocation = .builtIn(), headers: HeaderFields = HeaderFields(), body: [UInt8],
                now: Timestamp, secrets: [Secret], signing: Signing? = nil, tamper: Bool = false, verdict: Verdict,
                expectedEvent: JSONValue? = nil, expectedEnvelope: JSONValue? = nil, expectedDedupeKey: String? = nil,
                source: String? = nil) {
        self.name = name; self.location = location; self.headers = headers; self.body = body; self.now = now
        self.secrets = secrets; self.signing = signing; self.tamper = tamper; self.verdict = verdict
        self.expectedEvent = expectedEvent; self.expectedEnvelope = expectedEnvelope
        self.expectedDedupeKey = expectedDedupeKey; self.source = source
    }

    /// The request exactly as the verifier sees it: signed headers merged in (explicit headers win,
    /// so a fixture can corrupt one), the body tampered with if asked.
    public func request(scheme: any VerificationScheme) -> InboundWebhook {
        var h = HeaderFields()
        if let s = signing, let secret = s.secret ?? secrets.first {
            for f in scheme.sign(body: body, secret: secret, timestamp: s.at ?? now, messageID: s.messageID) where headers[f.name] == nil {
                h.add(f.name, f.value, nameIsLowercase: true)
            }
        }
        for f in headers { h.add(f.name, f.value, nameIsLowercase: true) }
        var b = body
        if tamper { b.append(0x20) }
        return InboundWebhook(method: "POST", path: "/webhooks/fixture", headers: h, body: b, receivedAt: now)
    }
}
