// What the head of a request says about the rest of the message: how its body is delimited and
// whether the connection may carry another request afterwards.

struct HTTPRequestFraming: Equatable, Sendable {
    enum Body: Equatable, Sendable {
        case none
        case length(Int)
        case chunked
    }

    var body: Body
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    var keepAlive: Bool
    /// `Expect: 100-continue` was sent: the client may wait for an interim 100 before the body.
    var expectContinue: Bool
}
