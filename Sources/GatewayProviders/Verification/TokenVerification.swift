// `scheme: token`: the request carries a shared secret verbatim in a header (MeetingBaaS v1
// `x-meeting-baas-api-key`, v2 per-bot callbacks `x-mb-secret`). No signature and no timestamp, so
// no replay protection: that is the vendor's design, documented in PROVIDERS.md.

public import GatewayCore
import GatewayCrypto

public struct TokenVerification: VerificationScheme {
    /// Lowercased header names, in preference order; the first present is compared.
    public let headers: [String]

    public init(headers: [String]) {
        precondition(!headers.isEmpty, "TokenVerification needs a header")
        self.headers = headers.map(HeaderFields.lowercase)
    }

    public func verify(_ webhook: InboundWebhook, context: VerificationContext) throws(VerificationFailure) -> Verified {
        guard !context.secrets.isEmpty else { throw VerificationFailure(.noSecret) }
        guard let (name, value) = firstPresent(webhook.headers) else {
            throw VerificationFailure(.missingHeader(headers[0]))
        }
        // Comparing digests rather than the raw values keeps the comparison constant-time even
        // across different lengths: the length of the configured token does not leak either.
        let presented = sha256(Array(value.utf8))
        for secret in context.secrets where constantTimeEquals(presented, sha256(secret.bytes)) {
            return Verified()
        }
        throw VerificationFailure(.mismatch("header \(name) matches none of \(context.secrets.count) secret(s)"))
    }

    public func sign(body: [UInt8], secret: Secret, timestamp: Timestamp, messageID: String) -> HeaderFields {
        var fields = HeaderFields()
        fields.add(headers[0], secret.text, nameIsLowercase: true)
        return fields
    }

    public var detectionHeaders: [String] { headers }

    public func deliveryID(of webhook: InboundWebhook) -> String? { nil }

    private func firstPresent(_ fields: HeaderFields) -> (String, String)? {
        for name in headers {
            if let value = fields[name] { return (name, value) }
        }
        return nil
    }
}

extension TokenVerification {
    /// `{scheme: token, header: NAME | [NAMES]}`.
    static func decode(_ reader: inout ConfigReader) -> TokenVerification? {
        let errorsBefore = reader.diagnostics.errors.count
        let names = HeaderNames.decode(reader.node("header"), key: "header", reader: reader)
        reader.finish()
        guard let names, reader.diagnostics.errors.count == errorsBefore else { return nil }
        return TokenVerification(headers: names)
    }
}
