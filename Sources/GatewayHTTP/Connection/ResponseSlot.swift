// One request's place in a connection's pipeline. Slots are created in request order and written
// strictly in that order (RFC 9112 §9.3.2), so a response completed early waits in its slot.

struct ResponseSlot {
    let sequence: UInt64
    /// HEAD: the response's Content-Length is sent but not its body.
    let headOnly: Bool
    /// An HTTP/1.0 client asked for keep-alive and must be told it was granted.
    let http10KeepAlive: Bool
    /// `Expect: 100-continue` not yet answered with the interim 100.
    var continuePending: Bool
    /// The connection closes after this response.
    var closeAfter: Bool
    var response: HTTPResponse?
    /// When the complete request went to the handler (loop clock; 0 while its body is still read).
    var handedAt: UInt64 = 0

    init(sequence: UInt64, headOnly: Bool, http10KeepAlive: Bool = false, continuePending: Bool = false,
         closeAfter: Bool = false, response: HTTPResponse? = nil) {
        self.sequence = sequence
        self.headOnly = headOnly
        self.http10KeepAlive = http10KeepAlive
        self.continuePending = continuePending
        self.closeAfter = closeAfter
        self.response = response
    }
}
