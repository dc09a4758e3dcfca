// Serialises a client request to HTTP/1.1 bytes, refusing anything that could split the message
// (CR/LF in a header, a method that is not a token): a header value built from event data must
// never be able to smuggle a second request onto a pooled connection.
import GatewayCore

enum ClientRequestEncoder {
    /// Methods whose requests carry no body by definition, so an empty body sends no Content-Length
    /// (RFC 9110 §8.6: a user agent SHOULD NOT send it when the method defines no meaning for a body).
    private static let bodilessMethods: Set<String> = ["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]

    static func encode(_ request: HTTPClientRequest, userAgent: String) throws(HTTPClientError) -> [UInt8] {
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(ClientToken.isTokenByte) else {
            throw .invalidRequest("method is not an HTTP token")
        }
        var out: [UInt8] = []
        out.reserveCapacity(256 + request.body.count)
        func append(_ s: String) { out.append(contentsOf: s.utf8) }

        append(request.method); append(" "); append(request.url.target); append(" HTTP/1.1\r\n")
        var hasHost = false
        var hasUserAgent = false
        for field in request.headers {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(ClientToken.isTokenByte) else {
                throw .invalidRequest("header name '\(field.name)' is not an HTTP token")
            }
            // Field values: no CR, LF or NUL (RFC 9110 §5.5); the name is safe to echo, the value may be a secret.
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .invalidRequest("value of header '\(field.name)' contains CR, LF or NUL")
            }
            switch field.name {
            case "content-length", "transfer-encoding": continue  // framing is ours
            case "host": hasHost = true
            case "user-agent": hasUserAgent = true
            default: break
            }
            append(field.name); append(": "); append(field.value); append("\r\n")
        }
        if !hasHost { append("host: "); append(request.url.hostHeader); append("\r\n") }
        if !hasUserAgent { append("user-agent: "); append(userAgent); append("\r\n") }
        if !request.body.isEmpty || !bodilessMethods.contains(request.method) {
            append("content-length: "); append(String(request.body.count)); append("\r\n")
        }
        append("\r\n")
        out.append(contentsOf: request.body)
        return out
    }
}

/// RFC 9110 §5.6.2 token characters.
enum ClientToken {
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
