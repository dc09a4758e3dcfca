// Strict decoding of `verify:`: unknown keys with suggestions, templates validated at load, and
// every error located at file:line:col.

import GatewayProviders
import Testing

@Suite struct VerificationDecodingTests {
    private func expectError(_ yaml: String, _ fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let errors = try decodingErrors(yaml, sourceLocation: sourceLocation)
        #expect(errors.contains { $0.contains(fragment) }, "\(errors)", sourceLocation: sourceLocation)
    }

    @Test func unknownKeySuggestsTheNearestKey() throws {
        let yaml = VerifyYAML.github + "\nalgoritm: sha256"
        try expectError(yaml, "p.yaml:5:1: unknown key 'algoritm' in verify (did you mean 'algorithm'?)")
    }

    @Test func unknownNestedKeyIsLocated() throws {
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex, seperator: "," }
            content: "{body}"
            """, "p.yaml:2:44: unknown key 'seperator' in verify signature (did you mean 'separator'?)")
    }

    @Test func unknownTokenKeyIsRejected() throws {
        try expectError("{scheme: token, header: x-mb-secret, heder: x}", "unknown key 'heder' in verify (did you mean 'header'?)")
    }

    @Test func unknownSchemeSuggestsAKnownOne() throws {
        try expectError("{scheme: hmca}", "unknown verification scheme 'hmca'; known: hmac, token, none (did you mean 'hmac'?)")
    }

    @Test func bareWordOtherThanNoneIsRejected() throws {
        try expectError("nnoe", "'verify' must be 'none' or a mapping")
    }

    @Test func unknownContentPlaceholderIsLocated() throws {
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex }
            content: "{timestmp}.{body}"
            """, "p.yaml:3:10: verify: unknown placeholder {timestmp} in content")
    }

    @Test func contentMustCoverTheBody() throws {
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex }
            timestamp: { header: x-ts }
            content: "{timestamp}"
            """, "must include {body}")
    }

    @Test func timestampMustBeSignedWhenChecked() throws {
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex }
            timestamp: { header: x-ts }
            content: "{body}"
            """, "content must include {timestamp}")
    }

    @Test func contentPlaceholdersNeedTheirSections() throws {
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex }
            content: "{message_id}.{timestamp}.{body}"
            """, "content uses {timestamp} but there is no 'timestamp' section")
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex }
            content: "{message_id}.{body}"
            """, "content uses {message_id} but there is no 'message_id' section")
    }

    @Test func signatureFormatIsValidated() throws {
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, format: "v1={sig}", encoding: hex }
            content: "{body}"
            """, "unknown placeholder {sig}")
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, format: "v1=", encoding: hex }
            content: "{body}"
            """, "must contain {signature}")
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, format: "{timestamp}{signature}", encoding: hex }
            timestamp: { unit: seconds }
            content: "{timestamp}{body}"
            """, "must be separated by literal text")
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, separator: ",", format: "t={timestamp},v1={signature}", encoding: hex }
            timestamp: { format: "t={timestamp}" }
            content: "{timestamp}.{body}"
            """, "unknown placeholder {timestamp}")
    }

    @Test func encodingIsRequiredAndClosed() throws {
        try expectError("{scheme: hmac, signature: {header: x-sig}, content: '{body}'}", "missing required key 'encoding'")
        try expectError("{scheme: hmac, signature: {header: x-sig, encoding: hexx}, content: '{body}'}", "(did you mean 'hex'?)")
    }

    @Test func keyAndAlgorithmAreClosedSets() throws {
        try expectError("{scheme: hmac, algorithm: sha265, signature: {header: x, encoding: hex}, content: '{body}'}",
                        "'algorithm' must be one of sha1, sha256, sha512 (did you mean 'sha256'?)")
        try expectError("{scheme: hmac, key: base64-whsek, signature: {header: x, encoding: hex}, content: '{body}'}",
                        "(did you mean 'base64-whsec'?)")
    }

    @Test func headerFamiliesMustLineUp() throws {
        try expectError("""
            scheme: hmac
            signature: { header: [svix-signature, webhook-signature], separator: " ", format: "v1,{signature}", encoding: base64 }
            timestamp: { header: [svix-timestamp, webhook-timestamp, x-ts] }
            content: "{timestamp}.{body}"
            """, "timestamp header lists 3 names but signature header lists 2 families")
    }

    @Test func timestampSourceMustBeStated() throws {
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex }
            timestamp: { unit: seconds }
            content: "{timestamp}.{body}"
            """, "say where the timestamp is")
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, format: "v={timestamp},d={signature}", encoding: hex }
            content: "{body}{timestamp}"
            """, "add a 'timestamp' section")
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex }
            timestamp: { format: "t={timestamp}" }
            content: "{timestamp}.{body}"
            """, "needs signature 'separator'")
    }

    @Test func invalidHeaderNamesAndSignHeaderAreRejected() throws {
        try expectError("{scheme: hmac, signature: {header: 'x sig', encoding: hex}, content: '{body}'}", "is not a valid header name")
        try expectError("{scheme: token}", "missing required key 'header'")
        try expectError("{scheme: hmac, signature: {header: [a, b], sign_header: c, encoding: hex}, content: '{body}'}",
                        "'sign_header' must be one of the signature headers")
    }

    @Test func toleranceIsADuration() throws {
        try expectError("""
            scheme: hmac
            signature: { header: x-sig, encoding: hex }
            timestamp: { header: x-ts, tolerance: soon }
            content: "{timestamp}.{body}"
            """, "must be a duration")
    }
}
