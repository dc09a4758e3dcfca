// The parsed status line and header section of a response, and what they imply for the body
// (RFC 9112 §6.3 message body length) and for reusing the connection (RFC 9112 §9.3 persistence).
import GatewayCore

struct ClientResponseHead: Sendable {
    var minorVersion: Int
    var status: Int
    var headers: HeaderFields

    enum Framing: Equatable, Sendable {
        case none
        case contentLength(Int)
        case chunked
        /// Read until the server closes: HTTP/1.0 style, and the connection cannot be reused.
        case untilClose
    }

    /// How the body is delimited, per RFC 9112 §6.3, in its order of precedence.
    func framing(requestMethod: String) throws(HTTPClientError) -> Framing {
        // §6.3 (1): responses to HEAD, and 1xx/204/304, never have a body whatever the headers say.
        if requestMethod == "HEAD" || status < 200 || status == 204 || status == 304 { return .none }
        // §6.3 (3): Transfer-Encoding overrides Content-Length; only a final "chunked" delimits.
        let codings = headers.values("transfer-encoding")
            .flatMap { $0.split(separator: ",") }
            .map { ClientResponseHead.trimOWS($0).lowercased() }
            .filter { !$0.isEmpty }
        if !codings.isEmpty {
            return codings.last == "chunked" ? .chunked : .untilClose
        }
        // §6.3 (5): a list of identical Content-Length values is one value; differing ones are an error.
        let lengths = headers.values("content-length").flatMap { $0.split(separator: ",") }.map { ClientResponseHead.trimOWS($0) }
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }) else { throw .protocolError("conflicting Content-Length values") }
            guard !first.isEmpty, first.count <= 18, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let n = Int(first)
            else { throw .protocolError("invalid Content-Length '\(first.prefix(32))'") }
            return .contentLength(n)
        }
        // §6.3 (8): otherwise the body runs to the end of the connection.
        return .untilClose
    }

    /// Whether the server lets the connection carry another request (RFC 9112 §9.3).
    var allowsKeepAlive: Bool {
        let options = headers.values("connection").flatMap { $0.split(separator: ",") }.map { ClientResponseHead.trimOWS($0).lowercased() }
        if options.contains("close") { return false }
        // A message framed by Transfer-Encoding and Content-Length together may be a smuggling
        // attempt; RFC 9112 §6.3 (3) says to close after it.
        if !headers.values("transfer-encoding").isEmpty && !headers.values("content-length").isEmpty { return false }
        return minorVersion >= 1 || options.contains("keep-alive")
    }

    /// Strips optional whitespace (SP / HTAB, RFC 9110 §5.6.3) from both ends.
    static func trimOWS(_ text: Substring) -> String {
        var s = text
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
