// A secret written literally in the file works (handy in tests) but puts the secret wherever the
// file goes: version control, backups, support tickets. Loading says so, without the value.

import GatewayCore

extension ConfigDiagnostics {
    /// Resolves a secret reference like `secret(_:context:)`, warning when the text is a literal.
    func referencedSecret(_ node: ConfigNode, context: String) -> SecretValue? {
        let value = secret(node, context: context)
        if case .present(let s)? = value, s.origin == "inline" {
            warning("\(context) is written inline; prefer ${env:NAME} or ${file:/path} so the file holds no secret", at: node.location)
        }
        return value
    }
}
