// What providers see of an HTTP request: never a server type, only the bytes that matter.

public struct InboundWebhook: Sendable {
    public var method: String
    /// The decoded path, e.g. `/webhooks/recall`.
    public var path: String
    public var headers: HeaderFields
    /// The exact raw body bytes: signatures are computed over these, never over re-serialised JSON.
    public var body: [UInt8]
    public var receivedAt: Timestamp

    public init(method: String = "POST", path: String, headers: HeaderFields, body: [UInt8], receivedAt: Timestamp) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }
}
