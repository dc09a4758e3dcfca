// `admin:`: the operator API (health, metrics, sink state, dead letters, replay) on its own
// listener. It is only served with a bearer token: without one it stays off, with a warning.

public import GatewayCore

extension GatewayConfiguration {
    public struct Admin: Sendable, Equatable {
        /// `listen`: the admin listener, `host:port` (keep it on loopback or a private network).
        public var listen = ListenAddress(host: "127.0.0.1", port: 8081)
        /// `token`: a secret reference for the bearer token. nil when absent; `.unsetVariable`
        /// when its variable is not set. Either way the admin API is off.
        public var token: SecretValue?

        public init() {}

        /// The token when the admin API is enabled, nil when it is off.
        public var enabledToken: Secret? {
            if case .present(let secret)? = token { return secret }
            return nil
        }

        public static let keys = ["listen", "token"]

        static func decode(_ node: ConfigNode, serverListen: ListenAddress, diagnostics: ConfigDiagnostics) -> Admin {
            var r = ConfigReader(node, context: "admin", diagnostics: diagnostics)
            var a = Admin()
            a.listen = r.optional("listen", default: a.listen)
            if a.listen == serverListen, a.listen.port != 0 {
                diagnostics.error("admin: 'listen' must differ from server.listen (\(serverListen))", at: (r.node("listen") ?? node).location)
            }
            if let tokenNode = r.node("token"), !tokenNode.isNull {
                a.token = diagnostics.referencedSecret(tokenNode, context: "admin key 'token'")
                if case .unsetVariable(let variable)? = a.token {
                    diagnostics.warning("admin API disabled: environment variable \(variable) (its token) is not set", at: tokenNode.location)
                }
            } else {
                diagnostics.warning("admin API disabled: no 'token' configured (e.g. token: ${env:GATEWAY_ADMIN_TOKEN})", at: node.location)
            }
            r.finish()
            return a
        }
    }
}
