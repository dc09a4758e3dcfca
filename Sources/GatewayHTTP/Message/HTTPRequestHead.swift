// The request line and header section of one request, as the handler's `prepare` sees it before any
// body byte is read.

#if canImport(GatewayCore)
public import GatewayCore
#endif

public struct HTTPRequestHead: Sendable {
    /// The method token exactly as sent (methods are case-sensitive, RFC 9110 §9.1).
    public var method: String
    /// The request target exactly as sent (origin-form, absolute-form or `*`).
    public var target: String
    /// The percent-decoded path of the target (`/webhooks/recall`); never contains NUL.
    public var path: String
    /// The query string split on `&` and `=`, percent-decoded, `+` read as a space, in order.
    public var query: [(String, String)]
    public var version: HTTPVersion
    /// Header fields in arrival order, names lowercased.
    public var headers: HeaderFields

    public init(method: String, target: String, path: String, query: [(String, String)] = [],
                version: HTTPVersion = .http1_1, headers: HeaderFields = HeaderFields()) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
    }

    /// The first value of query parameter `name`, if present.
    public func queryValue(_ name: String) -> String? {
        for (k, v) in query where k == name { return v }
        return nil
    }

    /// The declared body length; nil for chunked or bodiless requests.
    public var contentLength: Int? { headers["content-length"].flatMap { Int($0) } }
}
