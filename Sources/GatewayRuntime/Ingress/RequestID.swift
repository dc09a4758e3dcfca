// Request ids: the caller's `X-Request-Id` when it is sane, otherwise a new random one, echoed in
// the response, logged, and passed on to HTTP sinks.

import GatewayCore
import GatewayCrypto

enum RequestID {
    static func from(_ headers: HeaderFields) -> String {
        if let given = headers.value(lowercased: "x-request-id"), !given.isEmpty, given.utf8.count <= 128,
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        // `req_` and 24 hex digits written in place: one allocation instead of four.
        return String(unsafeUninitializedCapacity: 28) { out in
            _ = UnsafeMutableBufferPointer(rebasing: out[0..<4]).initialize(from: "req_".utf8)
            return withUnsafeTemporaryAllocation(byteCount: 12, alignment: 1) { bytes in
                RandomPool.fill(bytes)
                return 4 + Hex.write(UnsafeRawBufferPointer(bytes), to: UnsafeMutableBufferPointer(rebasing: out[4...]))
            }
        }
    }
}
