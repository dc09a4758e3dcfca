// `sources:`: one entry per webhook endpoint. A source binds a name and a URL path to a provider
// definition (`providers/<id>.yaml`) and to the secret(s) its signatures are checked with.

public import GatewayCore

extension GatewayConfiguration {
    public struct Source: Sendable, Equatable {
        /// `name` (required, unique): lowercase letters, digits, '-' and '_'.
        public var name: String
        /// `provider` (required): a provider id; the runtime checks it against the provider registry.
        public var provider: String
        /// Where `provider` was written, so the runtime can report an unknown id at file:line:col.
        public var providerLocation: SourceLocation
        /// `secret` (one reference) or `secrets` (a list, for rotation: any may verify). Unset
        /// `${env:…}` variables are kept as `.unsetVariable` so the source answers 503 and says
        /// which variable to set. Empty only with `verify: none`.
        public var secrets: [SecretValue]
        /// `path` (default `/webhooks/<name>`): the URL path the source answers on. Unique.
        public var path: String
        /// `body_limit`: a smaller request body limit for this source (≤ `server.body_limit`).
        public var bodyLimit: ConfigByteSize?
        /// `tolerance`: replaces the provider's timestamp tolerance (1 s–30 d).
        public var tolerance: ConfigDuration?
        /// False only with `verify: none`, the explicit opt-out of signature checks.
        public var verifySignatures: Bool
        /// `keep_raw` (default true): journal the raw request with the normalised event (for replay).
        public var keepRaw: Bool
        /// `response`: the body answered on success (e.g. Retell's call_inbound), kept as written;
        /// the runtime turns it into JSON.
        public var response: ConfigNode?
        /// Where the source's entry starts.
        public var location: SourceLocation

        public init(name: String, provider: String, secrets: [SecretValue], path: String? = nil,
                    location: SourceLocation = .builtIn()) {
            self.name = name
            self.provider = provider
            self.providerLocation = location
            self.secrets = secrets
            self.path = path ?? "/webhooks/\(name)"
            self.verifySignatures = true
            self.keepRaw = true
            self.location = location
        }

        /// The secrets that resolved, for verifiers.
        public var presentSecrets: [Secret] {
            secrets.compactMap { if case .present(let s) = $0 { s } else { nil } }
        }

        /// Environment variables named by this source's secrets that are not set.
        public var unsetVariables: [String] {
            secrets.compactMap { if case .unsetVariable(let name) = $0 { name } else { nil } }
        }

        public static let keys = ["name", "provider", "secret", "secrets", "path", "body_limit", "tolerance", "verify", "keep_raw", "response"]

        /// Decodes one entry of `sources`; nil (with errors recorded) when it cannot be used.
        static func decode(_ node: ConfigNode, index: Int, serverBodyLimit: ConfigByteSize,
                           diagnostics: ConfigDiagnostics) -> Source? {
            let context = node["name"]?.scalar.map { "source '\($0)'" } ?? "sources[\(index)]"
            var r = ConfigReader(node, context: context, diagnostics: diagnostics)
            let name = r.required("name", as: String.self)
            let provider = r.required("provider", as: String.self)
            let providerNode = r.node("provider")
            if let provider, provider.isEmpty, let providerNode {
                diagnostics.error("\(context): 'provider' must not be empty", at: providerNode.location)
            }
            // `verify` is read first: `none` is what makes a missing secret acceptable.
            let verifyNode = r.node("verify").flatMap { $0.isNull ? nil : $0 }
            var verify = true
            if let verifyNode, let word = String.decode(verifyNode, context: "\(context) key 'verify'", diagnostics: diagnostics) {
                if word == "none" {
                    verify = false
                } else {
                    diagnostics.error("\(context): 'verify' only accepts none (to accept unsigned webhooks); remove it to verify signatures", at: verifyNode.location)
                }
            }
            let secrets = decodeSecrets(&r, context: context, optOut: !verify)

            var path = name.map { "/webhooks/\($0)" } ?? ""
            if let pathNode = r.node("path"), !pathNode.isNull,
               let p = String.decode(pathNode, context: "\(context) key 'path'", diagnostics: diagnostics) {
                if !p.hasPrefix("/") || p.contains(where: { $0 == "?" || $0 == "#" || $0.isWhitespace }) {
                    diagnostics.error("\(context): 'path' must start with '/' and contain no spaces, '?' or '#'", at: pathNode.location)
                } else {
                    path = p
                }
            }
            let bodyLimit = r.optional("body_limit", in: ConfigByteSize(bytes: 1)...ConfigByteSize.gib(1))
            if let bodyLimit, bodyLimit > serverBodyLimit, let n = r.node("body_limit") {
                diagnostics.error("\(context): 'body_limit' \(bodyLimit) exceeds server.body_limit \(serverBodyLimit); raise server.body_limit", at: n.location)
            }
            let tolerance = r.optional("tolerance", in: ConfigDuration.s(1)...ConfigDuration.d(30))
            let keepRaw = r.optional("keep_raw", default: true)
            let response = r.node("response").flatMap { $0.isNull ? nil : $0 }
            if !verify, let verifyNode {
                diagnostics.warning("\(context) accepts unsigned webhooks (verify: none): anyone who can reach \(path) can inject events", at: verifyNode.location)
            }

            r.finish()

            guard let name, let provider, let secrets else { return nil }
            var source = Source(name: name, provider: provider, secrets: secrets, path: path, location: node.location)
            source.providerLocation = providerNode?.location ?? node.location
            source.bodyLimit = bodyLimit
            source.tolerance = tolerance
            source.verifySignatures = verify
            source.keepRaw = keepRaw
            source.response = response
            return source
        }

        private static func later(_ a: SourceLocation, _ b: SourceLocation) -> SourceLocation {
            (a.line, a.column) < (b.line, b.column) ? b : a
        }

        /// `secret` or `secrets`, exactly one of them unless verification is switched off.
        private static func decodeSecrets(_ r: inout ConfigReader, context: String, optOut: Bool) -> [SecretValue]? {
            let diagnostics = r.diagnostics
            let one = r.node("secret").flatMap { $0.isNull ? nil : $0 }
            let many = r.node("secrets").flatMap { $0.isNull ? nil : $0 }
            if let one, let many {
                diagnostics.error("\(context): use either 'secret' or 'secrets', not both", at: later(one.location, many.location))
                return nil
            }
            guard let given = one ?? many else {
                if optOut { return [] }
                diagnostics.error("\(context): missing required key 'secret' (or 'secrets'; 'verify: none' accepts unsigned webhooks)", at: r.location)
                return nil
            }
            if optOut {
                diagnostics.error("\(context): 'verify: none' and a secret contradict each other; remove one", at: given.location)
                return nil
            }
            let key = one != nil ? "secret" : "secrets"
            let items: [ConfigNode]
            switch given.value {
            case .sequence(let list) where key == "secrets": items = list
            case .scalar: items = [given]
            default:
                diagnostics.error("\(context) key '\(key)' must be \(key == "secret" ? "a secret reference" : "a list of secret references") such as ${env:NAME}, found \(given.kindDescription)", at: given.location)
                return nil
            }
            guard !items.isEmpty else {
                diagnostics.error("\(context): 'secrets' must list at least one secret", at: given.location)
                return nil
            }
            var out: [SecretValue] = []
            var ok = true
            for (i, item) in items.enumerated() {
                let itemContext = items.count > 1 || key == "secrets" ? "\(context) key '\(key)'[\(i)]" : "\(context) key '\(key)'"
                guard let value = diagnostics.referencedSecret(item, context: itemContext) else { ok = false; continue }
                if case .unsetVariable(let variable) = value {
                    diagnostics.warning("\(context): environment variable \(variable) is not set; the source answers 503 until it is", at: item.location)
                }
                out.append(value)
            }
            return ok ? out : nil
        }
    }
}
