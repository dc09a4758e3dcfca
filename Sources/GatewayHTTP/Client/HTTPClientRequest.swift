// One request for `HTTPClient.send`: the whole body is in memory (webhook deliveries are small and
// must be replayable, so streaming would buy nothing).
public import GatewayCore

public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: HTTPURL
    /// Extra header fields. Host and User-Agent are added unless present; Content-Length is always
    /// computed from `body` (a caller-supplied Content-Length or Transfer-Encoding is replaced).
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(method: String = "GET", url: HTTPURL, headers: HeaderFields = HeaderFields(), body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
