// Bounds the parser enforces while reading a head and a chunked body's framing.

struct HTTPParserLimits: Sendable {
    /// Bytes of request line plus header fields (and, separately, of chunked trailers).
    var headerLimit: Int
    /// Header field lines allowed in one head.
    var maxHeaders: Int
    /// Bytes of a chunk-size line's extensions; nobody needs many, an attacker wants endless ones.
    var maxChunkExtension: Int = 1024

    init(headerLimit: Int = 16 * 1024, maxHeaders: Int = 100) {
        self.headerLimit = headerLimit
        self.maxHeaders = maxHeaders
    }
}
