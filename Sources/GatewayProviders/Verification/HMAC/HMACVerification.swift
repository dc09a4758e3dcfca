// `scheme: hmac`: the one declarative engine behind Standard Webhooks/Svix, Retell, Reflector,
// GitHub, Stripe, Slack and Shopify. A provider file states the algorithm, the key encoding, where
// the signature (and timestamp, and message id) are found and in what shape, and the template of
// the signed bytes; see docs/PROVIDERS-FORMAT.md, section "verify".
//
// Header families: each header key takes a list of names, one per family, in preference order
// (`[svix-signature, webhook-signature]`). The family is chosen by the first signature header
// present, and the timestamp and message id are then read from the same family, so a request can
// never mix `svix-id` with `webhook-timestamp`.

public import GatewayCore
import GatewayCrypto

public struct HMACVerification: VerificationScheme {
    let algorithm: DigestAlgorithm
    let keyEncoding: KeyEncoding
    /// Lowercased, one per family, in preference order.
    let signatureHeaders: [String]
    /// The family `sign()` writes.
    let signFamily: Int
    let format: TextPattern
    /// When set, the header is a list of items separated by this text; items not matching
    /// `format` (other versions, other fields) are skipped.
    let separator: [UInt8]?
    let encoding: SignatureEncoding
    let timestamp: TimestampRule?
    /// One name per family (or a single name for all), when the scheme has a message id.
    let messageIDHeaders: [String]?
    let content: SignedContent
    let keys: HMACKeyCache
    /// The header names of each family, made once here with the words look-ups compare.
    let families: [HeaderFamily]

    /// One family's header names (`webhook-signature`, `webhook-timestamp`, `webhook-id`). A
    /// class: taking a family out of the list is one retain, not one per name.
    final class HeaderFamily: Sendable {
        let signature: HeaderName
        /// When the timestamp has a header of its own.
        let timestamp: HeaderName?
        let messageID: HeaderName?

        init(signature: HeaderName, timestamp: HeaderName?, messageID: HeaderName?) {
            self.signature = signature
            self.timestamp = timestamp
            self.messageID = messageID
        }
    }

    init(algorithm: DigestAlgorithm, keyEncoding: KeyEncoding, signatureHeaders: [String], signFamily: Int,
         format: TextPattern, separator: [UInt8]?, encoding: SignatureEncoding, timestamp: TimestampRule?,
         messageIDHeaders: [String]?, content: SignedContent) {
        self.algorithm = algorithm
        self.keyEncoding = keyEncoding
        self.signatureHeaders = signatureHeaders
        self.signFamily = signFamily
        self.format = format
        self.separator = separator
        self.encoding = encoding
        self.timestamp = timestamp
        self.messageIDHeaders = messageIDHeaders
        self.content = content
        self.keys = HMACKeyCache(algorithm: algorithm, encoding: keyEncoding)
        var timestampHeaders: [String]?
        if case .header(let names) = timestamp?.source { timestampHeaders = names }
        self.families = signatureHeaders.indices.map { family in
            HeaderFamily(signature: HeaderName(signatureHeaders[family]),
                         timestamp: timestampHeaders.map { HeaderName(Self.member($0, family)) },
                         messageID: messageIDHeaders.map { HeaderName(Self.member($0, family)) })
        }
    }

    // MARK: verify

    public func verify(_ webhook: InboundWebhook, context: VerificationContext) throws(VerificationFailure) -> Verified {
        guard !context.secrets.isEmpty else { throw VerificationFailure(.noSecret) }
        guard let (family, headerValue) = signatureHeader(in: webhook.headers) else {
            throw VerificationFailure(.missingHeader(signatureHeaders[0]))
        }
        let names = families[family]
        // Parsed in place: the header's bytes are not copied out of the string, and the result is
        // written into `parsed` (returned through the closure, it was copied twice).
        var parsed = ParsedHeader()
        let failure = headerValue.withUTF8Bytes { raw -> VerificationFailure? in
            do throws(VerificationFailure) { try parseSignatureHeader(raw, name: names.signature.text, into: &parsed) } catch { return error }
            return nil
        }
        if let failure { throw failure }

        // A view of the header that holds the timestamp, never a copy.
        var timestampText: Substring = ""
        if let rule = timestamp {
            switch rule.source {
            case .header:
                let name = names.timestamp!  // made for every family when the source is a header
                guard let value = webhook.headers.value(name) else { throw VerificationFailure(.missingHeader(name.text)) }
                timestampText = value[...]
            case .signatureItem(let pattern):
                guard let range = parsed.timestamp else {
                    throw VerificationFailure(.badFormat("header \(names.signature) has no item matching '\(pattern.text)'"))
                }
                timestampText = Self.text(of: headerValue, at: range)
            case .signatureFormat:
                // The whole-header format matched, so its {timestamp} capture exists.
                timestampText = Self.text(of: headerValue, at: parsed.timestamp ?? 0..<0)
            }
            guard let value = rule.parse(timestampText) else {
                throw VerificationFailure(.badFormat(
                    "timestamp is not a non-negative integer number of \(rule.unit.rawValue) in range"))
            }
            try rule.check(value, now: context.now, tolerance: context.tolerance ?? rule.tolerance)
        }

        // The family's message id is the delivery id (`deliveryID(of:)`), whether signed or not.
        var messageID = ""
        var deliveryID: String?
        if let name = names.messageID {
            deliveryID = webhook.headers.value(name)
            if content.uses(.messageID) {
                guard let value = deliveryID else { throw VerificationFailure(.missingHeader(name.text)) }
                messageID = value
            }
        }

        var usable = 0
        for secret in context.secrets {
            guard let key = keys.key(for: secret) else { continue }
            usable += 1
            // The computed MAC lives on the stack: it is only compared, never kept.
            let matched = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: algorithm.outputLength) { mac in
                authenticate(key, body: webhook.body, timestamp: timestampText, messageID: messageID, into: mac.baseAddress!)
                return parsed.candidates.contains { constantTimeEquals(UnsafeBufferPointer(mac), $0) }
            }
            if matched { return Verified(deliveryID: deliveryID) }
        }
        guard usable > 0 else { throw VerificationFailure(.noSecret) }
        throw VerificationFailure(.mismatch(
            "header \(names.signature), \(parsed.candidates.count) signature(s) tried with \(usable) secret(s)"))
    }

    private struct ParsedHeader {
        var candidates = SignatureCandidates()
        var timestamp: Range<Int>?
    }

    /// Splits and matches the signature header. Candidates that do not decode to a MAC of the
    /// right length are dropped; if none is left the header is malformed. Fills `parsed`, which
    /// starts empty.
    private func parseSignatureHeader(_ raw: UnsafeBufferPointer<UInt8>, name: String, into parsed: inout ParsedHeader) throws(VerificationFailure) {
        guard let separator else {
            guard let captures = format.match(raw, 0..<raw.count) else {
                throw VerificationFailure(.badFormat("header \(name) does not match '\(format.text)'"))
            }
            guard let signature = captures.signature, let mac = decodeMAC(raw, signature) else {
                throw VerificationFailure(.badFormat(
                    "header \(name) does not hold a \(algorithm.outputLength)-byte \(encoding.rawValue) signature"))
            }
            parsed.candidates.append(mac)
            parsed.timestamp = captures.timestamp
            return
        }
        var itemPattern: TextPattern?
        if case .signatureItem(let pattern) = timestamp?.source { itemPattern = pattern }
        var start = 0
        while start <= raw.count {
            let end = TextPattern.find(separator, in: raw, start..<raw.count) ?? raw.count
            let item = start..<end
            if !item.isEmpty {
                // The timestamp item first: a bare "{signature}" format would match it too.
                if let itemPattern, let captures = itemPattern.match(raw, item) {
                    guard parsed.timestamp == nil else {
                        throw VerificationFailure(.badFormat("header \(name) has more than one '\(itemPattern.text)' item"))
                    }
                    parsed.timestamp = captures.timestamp
                } else if let captures = format.match(raw, item), let signature = captures.signature {
                    if let mac = decodeMAC(raw, signature) { parsed.candidates.append(mac) }
                }
            }
            start = end + separator.count
        }
        guard !parsed.candidates.isEmpty else {
            throw VerificationFailure(.badFormat(
                "header \(name) has no item matching '\(format.text)' with a \(algorithm.outputLength)-byte \(encoding.rawValue) signature"))
        }
    }

    private func decodeMAC(_ raw: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> SignatureCandidates.MAC? {
        SignatureCandidates.MAC(decoding: UnsafeBufferPointer(rebasing: raw[range]), encoding, length: algorithm.outputLength)
    }

    /// The text at UTF-8 offsets `range` of `header` (a capture of the header's patterns, which
    /// start and end next to literal text or at the header's ends, so on character boundaries).
    private static func text(of header: String, at range: Range<Int>) -> Substring {
        let utf8 = header.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        return Substring(utf8[start..<utf8.index(start, offsetBy: range.count)])
    }

    private func authenticate(_ key: HMACKey, body: [UInt8], timestamp: Substring, messageID: String) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: algorithm.outputLength) { out, count in
            authenticate(key, body: body, timestamp: timestamp, messageID: messageID, into: out.baseAddress!)
            count = algorithm.outputLength
        }
    }

    private func authenticate(_ key: HMACKey, body: [UInt8], timestamp: Substring, messageID: String,
                              into out: UnsafeMutablePointer<UInt8>) {
        key.authenticate(into: out) { stream in
            for part in content.parts {
                switch part {
                case .literal(let bytes): stream.update(bytes)
                case .body: stream.update(body)
                case .timestamp: stream.update(timestamp)
                case .messageID: stream.update(messageID)
                }
            }
        }
    }

    /// The first signature header present, in preference order, with its family index.
    private func signatureHeader(in headers: HeaderFields) -> (Int, String)? {
        for family in families.indices {
            if let value = headers.value(families[family].signature) { return (family, value) }
        }
        return nil
    }

    /// A family's member of a header list: lists are either one name for all families or one per family.
    private static func member(_ names: [String], _ family: Int) -> String {
        names.count == 1 ? names[0] : names[family]
    }

    // MARK: sign, detection, delivery id

    public func sign(body: [UInt8], secret: Secret, timestamp time: Timestamp, messageID: String) -> HeaderFields {
        var fields = HeaderFields()
        // A secret the key encoding cannot read yields no signature: the request is then refused
        // as unsigned, which `secretProblem` lets callers explain beforehand.
        guard let key = keys.key(for: secret) else { return fields }
        let timestampText = timestamp.map { $0.text(of: time) } ?? ""
        let mac = authenticate(key, body: body, timestamp: timestampText[...], messageID: messageID)
        let signature = encoding.encode(mac)

        var value = format.render(signature: signature, timestamp: timestampText)
        if let separator, case .signatureItem(let pattern) = timestamp?.source {
            value = pattern.render(timestamp: timestampText) + String(decoding: separator, as: UTF8.self) + value
        }
        if let names = messageIDHeaders {
            fields.add(Self.member(names, signFamily), messageID, nameIsLowercase: true)
        }
        if case .header(let names) = timestamp?.source {
            fields.add(Self.member(names, signFamily), timestampText, nameIsLowercase: true)
        }
        fields.add(signatureHeaders[signFamily], value, nameIsLowercase: true)
        return fields
    }

    public var detectionHeaders: [String] { signatureHeaders }

    public func deliveryID(of webhook: InboundWebhook) -> String? {
        guard let ids = messageIDHeaders else { return nil }
        // One name for all families, or one per family: then the signature's family decides.
        if ids.count == 1 { return webhook.headers.value(families[0].messageID!) }
        if let (family, _) = signatureHeader(in: webhook.headers) { return webhook.headers.value(families[family].messageID!) }
        for family in families {
            if let value = webhook.headers.value(family.messageID!) { return value }
        }
        return nil
    }

    public func secretProblem(_ secret: Secret) -> String? { keyEncoding.problem(secret) }
}
