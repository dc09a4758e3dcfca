// Failures of starting the server, naming the call that failed and the OS reason.

#if canImport(Glibc)
import Glibc
#endif

public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    /// Captures `errno` at the failure point: `bind 0.0.0.0:80: Permission denied (errno 13)`.
    static func system(_ call: String, errno code: Int32 = errno) -> HTTPServerError {
        HTTPServerError("\(call): \(String(cString: strerror(code))) (errno \(code))")
    }

    public var description: String { message }
}
