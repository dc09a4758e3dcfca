// Serialises a response into the connection's output buffer. The server owns Content-Length, Date
// and Connection: a handler's own values for them are skipped so they can never disagree with
// how the server actually frames the message.

#if canImport(GatewayCore)
import GatewayCore
#endif

enum HTTPResponseEncoder {
    enum ConnectionHeader { case none, close, keepAlive }

    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    static func encode(_ r: HTTPResponse, into out: inout ByteBuffer, date: [UInt8], headOnly: Bool, connection: ConnectionHeader) {
        let status = (100...999).contains(r.status) ? r.status : 500
        append("HTTP/1.1 ", to: &out)
        out.append(UInt8(0x30 + status / 100))
        out.append(UInt8(0x30 + status / 10 % 10))
        out.append(UInt8(0x30 + status % 10))
        out.append(0x20)
        append(HTTPStatus.reason(status), to: &out)
        append("\r\n", to: &out)
        let noBody = HTTPStatus.forbidsBody(status)
        if !noBody {
            append("content-length: ", to: &out)
            appendDecimal(r.body.count, to: &out)
            append("\r\n", to: &out)
        }
        append("date: ", to: &out)
        out.append(date)
        append("\r\n", to: &out)
        for (name, value) in r.headers {
            if serverOwned(name) { continue }
            out.append(utf8: name)
            append(": ", to: &out)
            out.append(utf8: value)
            append("\r\n", to: &out)
        }
        switch connection {
        case .none: break
        case .close: append("connection: close\r\n", to: &out)
        case .keepAlive: append("connection: keep-alive\r\n", to: &out)
        }
        append("\r\n", to: &out)
        if !noBody && !headOnly { out.append(r.body) }
    }

    /// Content-Length, Connection, Date and Transfer-Encoding (by length first: a handler's own
    /// headers are rarely any of them).
    private static func serverOwned(_ name: String) -> Bool {
        switch name.utf8.count {
        case 14: name == "content-length"
        case 10: name == "connection"
        case 4: name == "date"
        case 17: name == "transfer-encoding"
        default: false
        }
    }

    /// A handler that sets `Connection: close` wants the connection closed after this response.
    static func requestsClose(_ r: HTTPResponse) -> Bool {
        // By length first: `==` between two different strings costs ~100 instructions.
        for (name, value) in r.headers where name.utf8.count == 10 && name == "connection" {
            if HeaderFields.lowercase(value).contains("close") { return true }
        }
        return false
    }

    @inline(__always)
    static func append(_ s: StaticString, to out: inout ByteBuffer) { out.append(s) }

    static func appendDecimal(_ n: Int, to out: inout ByteBuffer) {
        if n < 10 { out.append(UInt8(0x30 + n)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = n
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 {
                d[count] = UInt8(0x30 + v % 10)
                v /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}
