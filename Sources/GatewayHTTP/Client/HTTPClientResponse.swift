// A complete response as `HTTPClient.send` returns it: the body is read fully (and bounded by
// `maxResponseBody`) before the call returns, so the connection is free for the next request.
public import GatewayCore

public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Response header fields, names lowercased.
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(status: Int, headers: HeaderFields = HeaderFields(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
