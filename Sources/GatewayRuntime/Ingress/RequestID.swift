// Request ids: the caller's `X-Request-Id` when it is sane, otherwise a new random one, echoed in
// the response, logged, and passed on to HTTP sinks.

import GatewayCore
import GatewayCrypto

enum RequestID {
    static func from(_ headers: HeaderFields) -> String {
        if let given = headers["x-request-id"], !given.isEmpty, given.utf8.count <= 128,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        return "req_" + Hex.encode(RandomPool.bytes(12))
    }
}
