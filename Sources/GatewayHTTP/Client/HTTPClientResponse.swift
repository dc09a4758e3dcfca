// A complete response as `HTTPClient.send` returns it: the same value the server sends
// (status, lowercased header fields, body). The body is read fully, bounded by `maxResponseBody`,
// before the call returns, so the connection is free for the next request.

public typealias HTTPClientResponse = HTTPResponse
