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

/// Header-name lists as the verify section writes them: one name or a list, validated as HTTP
/// field names (RFC 9110 §5.1 token) and lowercased.
enum HeaderNames {
    static func decode(_ node: ConfigNode?, key: String, reader: ConfigReader, required: Bool = true) -> [String]? {
        guard let node, !node.isNull else {
            if required { reader.diagnostics.error("\(reader.context): missing required key '\(key)'", at: reader.location) }
            return nil
        }
        guard let names = [String].decode(node, context: "\(reader.context) key '\(key)'", diagnostics: reader.diagnostics) else {
            return nil
        }
        guard !names.isEmpty else {
            reader.diagnostics.error("\(reader.context): '\(key)' must name at least one header", at: node.location)
            return nil
        }
        for name in names where name.isEmpty || !name.utf8.allSatisfy(isTokenByte) {
            reader.diagnostics.error("\(reader.context): '\(name)' in '\(key)' is not a valid header name", at: node.location)
            return nil
        }
        let lowered = names.map(HeaderFields.lowercase)
        guard Set(lowered).count == lowered.count else {
            reader.diagnostics.error("\(reader.context): '\(key)' lists a header twice", at: node.location)
            return nil
        }
        return lowered
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(b)
        }
    }
}
