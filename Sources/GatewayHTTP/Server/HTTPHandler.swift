// The seam between the server and the application: routing and limits are decided from the head
// alone, then the complete request is handed over with a responder that may be used later from
// any thread.

public enum HeadVerdict: Sendable {
    /// Read the body, refusing it with 413 once it would exceed `bodyLimit` bytes.
    case accept(bodyLimit: Int)
    /// Answer this response without reading the body, then close the connection.
    case reject(HTTPResponse)
}

public protocol HTTPHandler: Sendable {
    /// Called on the event loop when the head is complete, before any body byte is read: routing
    /// decides 404/405 and the body limit here (413 follows from Content-Length before reading).
    /// Must not block.
    func prepare(_ head: HTTPRequestHead) -> HeadVerdict
    /// Called on the event loop with the complete request. Must not block: hand slow work to
    /// another thread and call `responder.respond` from there.
    func handle(_ request: HTTPRequest, responder: HTTPResponder)

    /// Called on an event loop after it handled one round of ready sockets (every request that
    /// had arrived together). A handler that hands work to another thread can queue it per request
    /// and wake that thread once here: one wake-up per round instead of one per request, which on
    /// a busy core is the difference between batching and a context switch per request.
    func eventLoopDidProcessEvents()

    /// Called on an event loop that found no socket ready and is about to wait: the end of a
    /// busy period, made of one or more rounds. Work worth batching over the whole period (one
    /// disk sync for all of it) is released here. Only when `wantsEventLoopWillWait`.
    func eventLoopWillWait()

    /// Read once per loop at start. Finding out that nothing is ready costs the loop one more
    /// `epoll_wait` (with a zero timeout) each time it runs out of work.
    var wantsEventLoopWillWait: Bool { get }
}

extension HTTPHandler {
    public func eventLoopDidProcessEvents() {}
    public func eventLoopWillWait() {}
    public var wantsEventLoopWillWait: Bool { false }
}
