// Reads one HTTP/1.x response from a byte source: interim 1xx responses skipped, the head parsed,
// the body read by its framing with a hard size bound. Pulls bytes on demand, so the same code runs
// against a socket or, in tests, against canned bytes split at every position.
import GatewayCore

/// Where response bytes come from; `read` returns 0 at end of stream.
protocol ClientByteSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(HTTPClientError) -> Int
}

struct ClientResponseReader<Source: ClientByteSource> {
    var source: Source
    let maxHeadBytes: Int
    let maxBody: Int
    /// Received bytes live in storage[start..<end]; storage only grows when one line outgrows it.
    private var storage = [UInt8](repeating: 0, count: 16 * 1024)
    private var start = 0
    private var end = 0
    private var sawAnyByte = false

    init(source: Source, maxHeadBytes: Int = 64 * 1024, maxBody: Int) {
        self.source = source
        self.maxHeadBytes = maxHeadBytes
        self.maxBody = maxBody
    }

    /// Bytes received past the end of the response (a misbehaving server); the connection is then not reusable.
    var hasUnreadBytes: Bool { start < end }

    /// The response, and whether the connection may carry another request afterwards.
    mutating func readResponse(requestMethod: String) throws(HTTPClientError) -> (response: HTTPClientResponse, keepAlive: Bool) {
        var head = try readHead()
        var interim = 0
        // Interim responses (100 Continue, 103 Early Hints) precede the final one (RFC 9110 §15.2).
        while head.status < 200 {
            if head.status == 101 { throw .protocolError("unexpected 101 Switching Protocols (no upgrade was requested)") }
            interim += 1
            if interim > 16 { throw .protocolError("more than 16 interim 1xx responses") }
            head = try readHead()
        }
        let framing = try head.framing(requestMethod: requestMethod)
        let body: [UInt8]
        switch framing {
        case .none: body = []
        case .contentLength(let n): body = try readExactly(n)
        case .chunked: body = try readChunked()
        case .untilClose: body = try readUntilClose()
        }
        let keepAlive = framing != .untilClose && head.allowsKeepAlive && !hasUnreadBytes
        return (HTTPClientResponse(status: head.status, headers: head.headers, body: body), keepAlive)
    }

    // MARK: head

    mutating func readHead() throws(HTTPClientError) -> ClientResponseHead {
        var budget = maxHeadBytes
        var statusLine = try readLine(budget: &budget, what: "status line")
        // Tolerate one stray CRLF before the status line, as some servers emit one after a body.
        if statusLine.isEmpty { statusLine = try readLine(budget: &budget, what: "status line") }
        var head = try Self.parseStatusLine(statusLine)
        var fields: [(name: String, value: String)] = []
        while true {
            let line = try readLine(budget: &budget, what: "header section")
            if line.isEmpty { break }
            if line.first == 0x20 || line.first == 0x09 {
                // obs-fold: a user agent replaces it with a space (RFC 9112 §5.2).
                guard !fields.isEmpty else { throw .protocolError("header section starts with a continuation line") }
                let more = ClientResponseHead.trimOWS(Substring(String(decoding: line, as: UTF8.self)))
                fields[fields.count - 1].value += " " + more
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw .protocolError("header line without a colon")
            }
            var nameBytes = line[line.startIndex..<colon]
            // Whitespace before the colon is invalid; a client may strip it (RFC 9112 §5.1).
            while let l = nameBytes.last, l == 0x20 || l == 0x09 { nameBytes = nameBytes.dropLast() }
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(ClientToken.isTokenByte) else {
                throw .protocolError("invalid header name")
            }
            let value = ClientResponseHead.trimOWS(Substring(String(decoding: line[(colon + 1)...], as: UTF8.self)))
            fields.append((HeaderFields.lowercase(String(decoding: nameBytes, as: UTF8.self)), value))
        }
        var headers = HeaderFields()
        for f in fields { headers.add(f.name, f.value, nameIsLowercase: true) }
        head.headers = headers
        return head
    }

    /// "HTTP/1.1 200 OK": version, three-digit status, optional reason (RFC 9112 §4).
    static func parseStatusLine(_ line: ArraySlice<UInt8>) throws(HTTPClientError) -> ClientResponseHead {
        let bytes = Array(line)
        let prefix: [UInt8] = Array("HTTP/1.".utf8)
        guard bytes.count >= 12, Array(bytes[0..<7]) == prefix else {
            throw .protocolError("malformed status line (expected 'HTTP/1.x NNN')")
        }
        let minor = bytes[7]
        guard minor >= 0x30 && minor <= 0x39, bytes[8] == 0x20 else {
            throw .protocolError("malformed status line (expected 'HTTP/1.x NNN')")
        }
        var status = 0
        for b in bytes[9..<12] {
            guard b >= 0x30 && b <= 0x39 else { throw .protocolError("malformed status code") }
            status = status * 10 + Int(b - 0x30)
        }
        guard status >= 100 else { throw .protocolError("malformed status code") }
        guard bytes.count == 12 || bytes[12] == 0x20 else { throw .protocolError("malformed status line after the status code") }
        return ClientResponseHead(minorVersion: Int(minor - 0x30), status: status, headers: HeaderFields())
    }

    // MARK: body

    private mutating func readExactly(_ n: Int) throws(HTTPClientError) -> [UInt8] {
        guard n <= maxBody else { throw .responseTooLarge(limit: maxBody) }
        var out: [UInt8] = []
        out.reserveCapacity(n)
        try take(n, into: &out)
        return out
    }

    private mutating func readChunked() throws(HTTPClientError) -> [UInt8] {
        var out: [UInt8] = []
        while true {
            var lineBudget = 4096  // a chunk-size line with extensions; longer is abuse
            let line = try readLine(budget: &lineBudget, what: "chunk size line")
            let size = try Self.parseChunkSize(line)
            if size == 0 { break }
            guard size <= maxBody - out.count else { throw .responseTooLarge(limit: maxBody) }
            try take(size, into: &out)
            var crlfBudget = 2
            let end = try readLine(budget: &crlfBudget, what: "chunk terminator")
            guard end.isEmpty else { throw .protocolError("chunk data not followed by CRLF") }
        }
        // Trailer fields are read and dropped: nothing in a trailer may change the message (RFC 9112 §7.1.2).
        var budget = maxHeadBytes
        while true {
            let line = try readLine(budget: &budget, what: "chunked trailer section")
            if line.isEmpty { break }
        }
        return out
    }

    /// chunk-size [ chunk-ext ]: hex digits, then optional ";name=value" extensions that are ignored.
    static func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPClientError) -> Int {
        var size = 0
        var digits = 0
        for b in line {
            let v: Int
            switch b {
            case 0x30...0x39: v = Int(b - 0x30)
            case 0x41...0x46: v = Int(b - 0x41 + 10)
            case 0x61...0x66: v = Int(b - 0x61 + 10)
            case 0x3B, 0x20, 0x09:  // ';' or BWS before an extension
                guard digits > 0 else { throw .protocolError("invalid chunk size") }
                return size
            default: throw .protocolError("invalid chunk size")
            }
            digits += 1
            guard digits <= 15 else { throw .protocolError("chunk size too large") }
            size = size * 16 + v
        }
        guard digits > 0 else { throw .protocolError("invalid chunk size") }
        return size
    }

    private mutating func readUntilClose() throws(HTTPClientError) -> [UInt8] {
        var out: [UInt8] = []
        while true {
            if start < end {
                guard end - start <= maxBody - out.count else { throw .responseTooLarge(limit: maxBody) }
                out.append(contentsOf: storage[start..<end])
                start = end
            }
            guard try fill() else { return out }
        }
    }

    // MARK: buffer

    /// Moves `n` bytes into `out`, reading more as needed; EOF first is a truncated response.
    private mutating func take(_ n: Int, into out: inout [UInt8]) throws(HTTPClientError) {
        var remaining = n
        while remaining > 0 {
            if start == end {
                guard try fill() else { throw .closed("server closed the connection in the middle of the response body") }
            }
            let count = min(remaining, end - start)
            out.append(contentsOf: storage[start..<(start + count)])
            start += count
            remaining -= count
        }
    }

    /// One line without its CRLF (a bare LF is accepted, RFC 9112 §2.2), charged against `budget`.
    private mutating func readLine(budget: inout Int, what: String) throws(HTTPClientError) -> ArraySlice<UInt8> {
        var scanned = 0  // bytes after `start` already searched for LF
        while true {
            if let lf = storage[(start + scanned)..<end].firstIndex(of: 0x0A) {
                let length = lf + 1 - start
                guard length <= budget else { throw Self.overBudget(what) }
                budget -= length
                var lineEnd = lf
                if lineEnd > start && storage[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                // A copy, so the storage stays uniquely referenced and is never copied on write.
                let line = ArraySlice(Array(storage[start..<lineEnd]))
                start = lf + 1
                guard !line.contains(0x0D), !line.contains(0x00) else { throw .protocolError("CR or NUL inside the \(what)") }
                return line
            }
            scanned = end - start
            guard scanned <= budget else { throw Self.overBudget(what) }
            guard try fill() else {
                if !sawAnyByte { throw .closed("server closed the connection without sending a response") }
                throw .closed("server closed the connection inside the \(what)")
            }
        }
    }

    private static func overBudget(_ what: String) -> HTTPClientError {
        what == "chunk terminator" ? .protocolError("chunk data not followed by CRLF") : .protocolError("\(what) too long")
    }

    /// Reads more bytes into storage; false at end of stream.
    private mutating func fill() throws(HTTPClientError) -> Bool {
        if start == end {
            start = 0
            end = 0
        } else if end == storage.count {
            if start > 0 {
                // Move the unread tail to the front instead of growing.
                let unread = end - start
                storage.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: unread)
                }
                start = 0
                end = unread
            } else {
                storage.append(contentsOf: [UInt8](repeating: 0, count: storage.count))
            }
        }
        var sourceCopy = source
        let from = end
        let result: Result<Int, HTTPClientError> = storage.withUnsafeMutableBytes { raw in
            let target = UnsafeMutableRawBufferPointer(rebasing: raw[from...])
            do throws(HTTPClientError) { return .success(try sourceCopy.read(into: target)) } catch { return .failure(error) }
        }
        source = sourceCopy
        let n = try result.get()
        end += n
        if n > 0 { sawAnyByte = true }
        return n > 0
    }
}
