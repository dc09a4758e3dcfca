// Why a request was refused while parsing, carrying the status the server answers with before it
// closes the connection. Reasons are short, fixed phrases: they go into a plain-text error body,
// so they never echo request bytes back to the sender.

struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    var status: Int
    var reason: String

    static func badRequest(_ reason: String) -> HTTPParseError { HTTPParseError(status: 400, reason: reason) }
    static let headerTooLarge = HTTPParseError(status: 431, reason: "header section too large")
    static let tooManyHeaders = HTTPParseError(status: 431, reason: "too many header fields")
    static let bodyTooLarge = HTTPParseError(status: 413, reason: "request body too large")
    static let unsupportedTransferCoding = HTTPParseError(status: 501, reason: "unsupported transfer coding")
    static let unsupportedVersion = HTTPParseError(status: 505, reason: "HTTP version not supported")
    static let expectationFailed = HTTPParseError(status: 417, reason: "unsupported expectation")

    var description: String { "\(status) \(reason)" }
}
