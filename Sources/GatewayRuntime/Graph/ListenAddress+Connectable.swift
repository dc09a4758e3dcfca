// The address a local client (the CLI) uses to reach a listener: a wildcard bind becomes loopback.

import GatewayConfig

extension ListenAddress {
    var connectable: String {
        switch host {
        case "0.0.0.0", "": return "127.0.0.1:\(port)"
        case "::": return "[::1]:\(port)"
        default: return description
        }
    }
}
