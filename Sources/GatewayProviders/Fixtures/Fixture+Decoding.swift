// Decodes one entry of a provider file's `fixtures:` list (docs/PROVIDERS-FORMAT.md, "fixtures").

import GatewayCore

extension Fixture {
    static func decode(_ node: ConfigNode, index: Int, provider: String, diagnostics: ConfigDiagnostics) -> Fixture? {
        let errorsBefore = diagnostics.errors.count
        var r = ConfigReader(node, context: "\(provider) fixture #\(index + 1)", diagnostics: diagnostics)
        let name = r.required("name", as: String.self) ?? "#\(index + 1)"
        let ctx = "\(provider) fixture '\(name)'"
        var headers = HeaderFields()
        if let h = r.node("headers") {
            if case .mapping(let pairs) = h.value {
                for (k, v) in pairs {
                    guard let key = k.scalar, let value = v.scalar else {
                        diagnostics.error("\(ctx): headers must map names to text", at: k.location)
                        continue
                    }
                    headers.add(key, value)
                }
            } else if !h.isNull {
                diagnostics.error("\(ctx): 'headers' must be a mapping", at: h.location)
            }
        }
        var body: [UInt8] = []
        if let b = r.node("body") {
            switch b.value {
            case .scalar(let s, _): body = Array(s.utf8)
            case .mapping, .sequence: body = b.jsonValue().serialized()
            case .null: body = []
            }
        } else {
            diagnostics.error("\(ctx): missing required key 'body'", at: node.location)
        }
        let now = r.node("now").flatMap { timestamp($0, context: "\(ctx) key 'now'", diagnostics: diagnostics) }
        if r.node("now") == nil { diagnostics.error("\(ctx): missing required key 'now'", at: node.location) }
        var secrets: [Secret] = []
        if let s = r.node("secret") {
            if s.scalar != nil { secrets = String.decode(s, context: "\(ctx) key 'secret'", diagnostics: diagnostics).map { [Secret($0, origin: "fixture")] } ?? [] }
            else { secrets = ([String].decode(s, context: "\(ctx) key 'secret'", diagnostics: diagnostics) ?? []).map { Secret($0, origin: "fixture") } }
        }
        var signing: Signing?
        if let s = r.node("sign") {
            if s.scalar != nil {
                if Bool.decode(s, context: "\(ctx) key 'sign'", diagnostics: diagnostics) == true { signing = Signing() }
            } else {
                var sr = ConfigReader(s, context: "\(ctx) sign", diagnostics: diagnostics)
                var sig = Signing()
                if let sec = sr.optional("secret", as: String.self) { sig.secret = Secret(sec, origin: "fixture") }
                if let at = sr.node("at") { sig.at = timestamp(at, context: "\(ctx) sign key 'at'", diagnostics: diagnostics) }
                sig.messageID = sr.optional("message_id", default: sig.messageID)
                sr.finish()
                signing = sig
            }
        }
        let tamper = r.optional("tamper", default: false)
        let source = r.optional("source", as: String.self)
        var verdict = Verdict.ok
        var event: JSONValue?, envelope: JSONValue?, dedupeKey: String?
        if let e = r.node("expect") {
            var er = ConfigReader(e, context: "\(ctx) expect", diagnostics: diagnostics)
            verdict = Verdict(rawValue: er.choice("verdict", of: Verdict.allCases.map(\.rawValue), default: "ok")) ?? .ok
            event = er.node("event")?.jsonValue()
            envelope = er.node("envelope")?.jsonValue()
            dedupeKey = er.optional("dedupe_key", as: String.self)
            er.finish()
        } else {
            diagnostics.error("\(ctx): missing required key 'expect'", at: node.location)
        }
        r.finish()
        guard diagnostics.errors.count == errorsBefore, let now else { return nil }
        if signing != nil && secrets.isEmpty && signing?.secret == nil {
            diagnostics.error("\(ctx): 'sign' needs a secret", at: node.location)
            return nil
        }
        return Fixture(name: name, location: node.location, headers: headers, body: body, now: now, secrets: secrets,
                       signing: signing, tamper: tamper, verdict: verdict, expectedEvent: event,
                       expectedEnvelope: envelope, expectedDedupeKey: dedupeKey, source: source)
    }

    /// `fixture` with every key of `defaults` it does not set itself (a shallow merge, so a
    /// fixture's own `headers` replace the default headers rather than adding to them).
    static func applying(defaults: ConfigNode?, to fixture: ConfigNode) -> ConfigNode {
        guard let defaults, case .mapping(let base) = defaults.value, case .mapping(var own) = fixture.value else { return fixture }
        for pair in base where pair.key.scalar.map({ fixture[$0] == nil }) ?? false { own.append(pair) }
        return ConfigNode(.mapping(own), at: fixture.location)
    }

    /// Unix seconds (integer, possibly fractional) or RFC 3339 text.
    static func timestamp(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> Timestamp? {
        guard let s = node.scalar else {
            diagnostics.error("\(context) must be unix seconds or an RFC 3339 time", at: node.location)
            return nil
        }
        if let t = TimeConversion.epoch(s, scale: 1_000_000_000) ?? TimeConversion.parseISO8601(s) { return t }
        diagnostics.error("\(context): '\(s)' is neither unix seconds nor an RFC 3339 time", at: node.location)
        return nil
    }
}
