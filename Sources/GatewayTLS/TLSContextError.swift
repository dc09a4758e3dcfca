// Why a TLS context could not be built or a session could not start. Messages name the file
// involved and OpenSSL's reason, never key material (OpenSSL's reason strings carry none).

public struct TLSContextError: Error, Sendable, CustomStringConvertible {
    /// The certificate, key or CA file concerned, when there is one.
    public let path: String?
    public let message: String

    public init(path: String? = nil, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
