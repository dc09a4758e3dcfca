// A complete response. The server adds `Content-Length`, `Date` and `Connection` itself, so a handler
// sets only what is specific to it; any of those three it does set are ignored, except that
// `Connection: close` is honoured (the connection closes after this response).

public import GatewayCore

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(status: Int, headers: HeaderFields = HeaderFields(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A `text/plain; charset=utf-8` response; error responses use this with a short body.
    /// `consuming`: the content type is added to the caller's list in place; a copy of it
    /// (`var h = headers`) was not uniquely referenced, so the add reallocated it.
    public static func text(_ status: Int, _ text: String, headers: consuming HeaderFields = HeaderFields()) -> HTTPResponse {
        headers.add("content-type", "text/plain; charset=utf-8", nameIsLowercase: true)
        return HTTPResponse(status: status, headers: headers, body: Array(text.utf8))
    }

    /// An `application/json` response from already-encoded bytes (headers consumed, as for `text`).
    public static func json(_ status: Int, _ body: [UInt8], headers: consuming HeaderFields = HeaderFields()) -> HTTPResponse {
        headers.add("content-type", "application/json", nameIsLowercase: true)
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// 405 with the `Allow` header RFC 9110 §15.5.6 requires.
    public static func methodNotAllowed(allow: [String]) -> HTTPResponse {
        text(405, "method not allowed\n", headers: HeaderFields([("allow", allow.joined(separator: ", "))]))
    }

    public static func notFound() -> HTTPResponse { text(404, "not found\n") }
}
