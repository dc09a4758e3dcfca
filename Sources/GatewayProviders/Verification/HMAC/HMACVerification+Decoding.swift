// The `scheme: hmac` vocabulary, decoded strictly. Every key is documented in
// docs/PROVIDERS-FORMAT.md ("verify"); in short:
//
//   algorithm: sha256                      # sha1 | sha256 | sha512 (default sha256)
//   key: utf8                              # utf8 | base64 | base64-whsec | hex (default utf8)
//   signature:
//     header: [svix-signature, webhook-signature]   # one per family, preference order
//     format: "v1,{signature}"             # default "{signature}"; may hold {timestamp} when no separator
//     separator: " "                       # the header is a list of items; non-matching items skipped
//     encoding: base64                     # base64 | base64url | hex (required)
//     sign_header: webhook-signature       # the family sign() writes (default: the first)
//   timestamp:                             # optional: replay protection
//     header: [svix-timestamp, webhook-timestamp]   # or
//     format: "t={timestamp}"              # an item of the signature header (needs separator), or
//                                          # neither, when signature.format holds {timestamp}
//     unit: seconds                        # seconds | milliseconds
//     tolerance: 300s                      # default 300s, inclusive
//   message_id: { header: [svix-id, webhook-id] }    # optional: delivery id, may be signed
//   content: "{message_id}.{timestamp}.{body}"       # the signed bytes (required)

import GatewayCore
import GatewayCrypto

extension HMACVerification {
    static func decode(_ reader: inout ConfigReader) -> HMACVerification? {
        let diagnostics = reader.diagnostics
        let context = reader.context
        let errorsBefore = diagnostics.errors.count

        let algorithm = DigestAlgorithm(rawValue: reader.choice(
            "algorithm", of: DigestAlgorithm.allCases.map(\.rawValue), default: DigestAlgorithm.sha256.rawValue)) ?? .sha256
        let keyEncoding = KeyEncoding(rawValue: reader.choice(
            "key", of: KeyEncoding.allCases.map(\.rawValue), default: KeyEncoding.utf8.rawValue)) ?? .utf8

        guard let signatureNode = reader.node("signature"), !signatureNode.isNull else {
            diagnostics.error("\(context): missing required key 'signature'", at: reader.location)
            finishIgnoringDependents(&reader)
            return nil
        }
        guard let signature = SignatureSection.decode(signatureNode, context: "\(context) signature", diagnostics: diagnostics) else {
            finishIgnoringDependents(&reader)
            return nil
        }

        var timestamp: TimestampRule?
        if let node = reader.node("timestamp"), !node.isNull {
            timestamp = decodeTimestamp(node, signature: signature, context: "\(context) timestamp", diagnostics: diagnostics)
        } else if signature.format.contains(.timestamp) {
            diagnostics.error(
                "\(context): signature format '\(signature.format.text)' holds {timestamp}; add a 'timestamp' section with its unit and tolerance",
                at: signatureNode.location)
        }

        var messageIDHeaders: [String]?
        if let node = reader.node("message_id"), !node.isNull {
            var idReader = ConfigReader(node, context: "\(context) message_id", diagnostics: diagnostics)
            messageIDHeaders = HeaderNames.decode(idReader.node("header"), key: "header", reader: idReader)
            idReader.finish()
            if let names = messageIDHeaders {
                checkFamilies(names, signature.headers, key: "message_id header", context: context, at: node.location, diagnostics)
            }
        }

        var content: SignedContent?
        if let node = reader.node("content"), !node.isNull {
            if let text = String.decode(node, context: "\(context) key 'content'", diagnostics: diagnostics) {
                switch SignedContent.compile(text) {
                case .success(let compiled): content = compiled
                case .failure(let error): diagnostics.error("\(context): \(error.message)", at: node.location)
                }
            }
            if let content {
                if content.uses(.timestamp), timestamp == nil {
                    diagnostics.error("\(context): content uses {timestamp} but there is no 'timestamp' section", at: node.location)
                }
                if !content.uses(.timestamp), timestamp != nil {
                    diagnostics.error(
                        "\(context): content must include {timestamp}: an unsigned timestamp can be changed by anyone and protects against no replay",
                        at: node.location)
                }
                if content.uses(.messageID), messageIDHeaders == nil {
                    diagnostics.error("\(context): content uses {message_id} but there is no 'message_id' section", at: node.location)
                }
            }
        } else {
            diagnostics.error("\(context): missing required key 'content'", at: reader.location)
        }

        reader.finish()
        guard diagnostics.errors.count == errorsBefore, let content else { return nil }
        return HMACVerification(
            algorithm: algorithm, keyEncoding: keyEncoding, signatureHeaders: signature.headers,
            signFamily: signature.signFamily, format: signature.format, separator: signature.separator,
            encoding: signature.encoding, timestamp: timestamp, messageIDHeaders: messageIDHeaders, content: content)
    }

    /// Without a usable signature section the sections that refer to it cannot be checked; the
    /// remaining keys are still checked for typos.
    private static func finishIgnoringDependents(_ reader: inout ConfigReader) {
        for key in ["timestamp", "message_id", "content"] { _ = reader.node(key) }
        reader.finish()
    }

    private static func decodeTimestamp(_ node: ConfigNode, signature: SignatureSection, context: String,
                                        diagnostics: ConfigDiagnostics) -> TimestampRule? {
        var reader = ConfigReader(node, context: context, diagnostics: diagnostics)
        defer { reader.finish() }
        let headerNode = reader.node("header")
        let formatNode = reader.node("format")
        let unit = TimestampRule.Unit(rawValue: reader.choice(
            "unit", of: TimestampRule.Unit.allCases.map(\.rawValue), default: TimestampRule.Unit.seconds.rawValue)) ?? .seconds
        let tolerance = reader.optional("tolerance", as: ConfigDuration.self)?.seconds ?? TimestampRule.defaultTolerance

        let hasHeader = headerNode.map { !$0.isNull } ?? false
        let hasFormat = formatNode.map { !$0.isNull } ?? false
        let source: TimestampRule.Source
        if signature.format.contains(.timestamp) {
            guard !hasHeader, !hasFormat else {
                diagnostics.error(
                    "\(context): the timestamp already comes from {timestamp} in signature format '\(signature.format.text)'; remove 'header' and 'format'",
                    at: node.location)
                return nil
            }
            source = .signatureFormat
        } else if hasHeader {
            guard !hasFormat else {
                diagnostics.error("\(context): give either 'header' or 'format', not both", at: node.location)
                return nil
            }
            guard let names = HeaderNames.decode(headerNode, key: "header", reader: reader) else { return nil }
            guard checkFamilies(names, signature.headers, key: "timestamp header", context: context, at: node.location, diagnostics) else {
                return nil
            }
            source = .header(names)
        } else if let formatNode, hasFormat {
            guard signature.separator != nil else {
                diagnostics.error(
                    "\(context): 'format' names an item of the signature header, which needs signature 'separator'; for a whole-header format put {timestamp} in signature 'format'",
                    at: formatNode.location)
                return nil
            }
            guard let text = String.decode(formatNode, context: "\(context) key 'format'", diagnostics: diagnostics) else { return nil }
            switch TextPattern.compile(text, allowed: [.timestamp]) {
            case .failure(let error):
                diagnostics.error("\(context): \(error.message)", at: formatNode.location)
                return nil
            case .success(let pattern):
                guard pattern.contains(.timestamp) else {
                    diagnostics.error("\(context): format '\(text)' must contain {timestamp}", at: formatNode.location)
                    return nil
                }
                source = .signatureItem(pattern)
            }
        } else {
            diagnostics.error(
                "\(context): say where the timestamp is: 'header', 'format' (an item of the signature header), or {timestamp} in signature 'format'",
                at: node.location)
            return nil
        }
        return TimestampRule(source: source, unit: unit, tolerance: tolerance)
    }

    /// A per-family header list must have one name, or exactly one per signature header family.
    @discardableResult
    private static func checkFamilies(_ names: [String], _ signatureHeaders: [String], key: String, context: String,
                                      at location: SourceLocation, _ diagnostics: ConfigDiagnostics) -> Bool {
        guard names.count == 1 || names.count == signatureHeaders.count else {
            diagnostics.error(
                "\(context): \(key) lists \(names.count) names but signature header lists \(signatureHeaders.count) families; give one name, or one per family in the same order",
                at: location)
            return false
        }
        return true
    }
}

/// The decoded `signature:` mapping.
struct SignatureSection {
    let headers: [String]
    let signFamily: Int
    let format: TextPattern
    let separator: [UInt8]?
    let encoding: SignatureEncoding

    static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> SignatureSection? {
        var reader = ConfigReader(node, context: context, diagnostics: diagnostics)
        let errorsBefore = diagnostics.errors.count
        let headers = HeaderNames.decode(reader.node("header"), key: "header", reader: reader)

        var separator: [UInt8]?
        if let node = reader.node("separator"), !node.isNull,
           let text = String.decode(node, context: "\(context) key 'separator'", diagnostics: diagnostics) {
            if text.isEmpty { diagnostics.error("\(context): 'separator' must not be empty", at: node.location) }
            separator = Array(text.utf8)
        }

        var format: TextPattern?
        let formatNode = reader.node("format")
        let formatText = formatNode.flatMap { String.decode($0, context: "\(context) key 'format'", diagnostics: diagnostics) } ?? "{signature}"
        let allowed: [TextPattern.Field] = separator == nil ? [.signature, .timestamp] : [.signature]
        switch TextPattern.compile(formatText, allowed: allowed) {
        case .failure(let error):
            diagnostics.error("\(context): \(error.message)", at: formatNode?.location ?? node.location)
        case .success(let pattern):
            if !pattern.contains(.signature) {
                diagnostics.error("\(context): format '\(formatText)' must contain {signature}", at: formatNode?.location ?? node.location)
            } else if let separator, pattern.literalBytes.contains(where: { literal in
                literal.withUnsafeBufferPointer { TextPattern.find(separator, in: $0, 0..<$0.count) != nil }
            }) {
                diagnostics.error("\(context): format '\(formatText)' contains the separator, so items could not be split", at: formatNode?.location ?? node.location)
            } else {
                format = pattern
            }
        }

        var encoding: SignatureEncoding?
        if let node = reader.node("encoding"), !node.isNull {
            let options = SignatureEncoding.allCases.map(\.rawValue)
            if let text = String.decode(node, context: "\(context) key 'encoding'", diagnostics: diagnostics) {
                encoding = SignatureEncoding(rawValue: text)
                if encoding == nil {
                    diagnostics.error(
                        "\(context): 'encoding' must be one of \(options.joined(separator: ", "))\(ConfigReader.suggestion(for: text, in: options))",
                        at: node.location)
                }
            }
        } else {
            diagnostics.error("\(context): missing required key 'encoding' (base64, base64url or hex)", at: reader.location)
        }

        var signFamily = 0
        if let node = reader.node("sign_header"), !node.isNull,
           let name = String.decode(node, context: "\(context) key 'sign_header'", diagnostics: diagnostics), let headers {
            if let index = headers.firstIndex(of: HeaderFields.lowercase(name)) {
                signFamily = index
            } else {
                diagnostics.error("\(context): 'sign_header' must be one of the signature headers\(ConfigReader.suggestion(for: name, in: headers))",
                                  at: node.location)
            }
        }

        reader.finish()
        guard diagnostics.errors.count == errorsBefore, let headers, let format, let encoding else { return nil }
        return SignatureSection(headers: headers, signFamily: signFamily, format: format, separator: separator, encoding: encoding)
    }
}
