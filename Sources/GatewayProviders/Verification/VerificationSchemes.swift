// Decodes a provider file's (or a source's) `verify:` node into a scheme. The set of schemes is
// this explicit list; each decodes its own keys strictly (unknown keys fail with a suggestion).
//
//   verify: none                     # explicit opt-out, recorded as a warning
//   verify: { scheme: token, header: x-meeting-baas-api-key }
//   verify: { scheme: hmac, ... }    # see HMACVerification+Decoding.swift

public import GatewayCore

public enum VerificationSchemes {
    public static let names = ["hmac", "token", "none"]

    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> (any VerificationScheme)? {
        if let word = node.scalar {
            guard word == "none" else {
                diagnostics.error(
                    "\(context): 'verify' must be 'none' or a mapping with 'scheme: hmac' or 'scheme: token'\(ConfigReader.suggestion(for: word, in: ["none"]))",
                    at: node.location)
                return nil
            }
            return decodeNone(node, context: context, diagnostics: diagnostics)
        }
        var reader = ConfigReader(node, context: context, diagnostics: diagnostics)
        guard case .mapping = node.value else { return nil }  // the reader has reported it
        // Without a usable `scheme` the other keys cannot be judged, so `finish()` is not called:
        // listing them all as unknown would only bury the one real mistake.
        guard let scheme = reader.required("scheme", as: String.self) else { return nil }
        switch scheme {
        case "hmac": return HMACVerification.decode(&reader)
        case "token": return TokenVerification.decode(&reader)
        case "none":
            reader.finish()
            return decodeNone(node, context: context, diagnostics: diagnostics)
        default:
            diagnostics.error(
                "\(context): unknown verification scheme '\(scheme)'; known: \(names.joined(separator: ", "))\(ConfigReader.suggestion(for: scheme, in: names))",
                at: reader.node("scheme")?.location ?? node.location)
            return nil
        }
    }

    private static func decodeNone(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> NoVerification {
        diagnostics.warning("\(context): verification disabled (verify: none): anyone can post to this source", at: node.location)
        return NoVerification()
    }
}
