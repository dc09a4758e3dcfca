// Completes one request. Cheap to copy and safe to send to any thread: it names the loop, the
// connection (fd plus a generation, so a reused fd is never answered by mistake) and the request's
// position in the pipeline.

public struct HTTPResponder: Sendable {
    let loop: EventLoop
    let connection: UInt64
    let sequence: UInt64

    /// Call exactly once, from any thread, possibly much later. The loop writes the response once
    /// every earlier request on the connection has been answered. A second call, or a call after
    /// the connection closed, is ignored.
    public func respond(_ response: HTTPResponse) {
        loop.complete(connection: connection, sequence: sequence, response: response)
    }
}
