// One complete request handed to `HTTPHandler.handle`: the head, the whole body (already bounded by
// the limit `prepare` chose) and the peer's address for logs.

public import GatewayCore

public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]
    /// `ip:port` of the peer (`[v6]:port` for IPv6).
    public var remoteAddress: String

    public init(head: HTTPRequestHead, body: [UInt8] = [], remoteAddress: String = "") {
        self.head = head
        self.body = body
        self.remoteAddress = remoteAddress
    }

    public var method: String { head.method }
    public var path: String { head.path }
    public var headers: HeaderFields { head.headers }
    public var version: HTTPVersion { head.version }
    public func header(_ name: String) -> String? { head.headers[name] }
    public func queryValue(_ name: String) -> String? { head.queryValue(name) }
}
