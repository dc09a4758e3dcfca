// Decodes one complete head (request line + header fields + empty line, CRLF-terminated, already
// bounded in size and line count by the parser) into an `HTTPRequestHead` and its framing. Every
// refusal names the RFC rule it enforces; strings are built only for what the head stores.

#if canImport(GatewayCore)
import GatewayCore
#endif
#if canImport(Glibc)
import Glibc
#endif

enum HTTPHeadDecoder {
    /// `lineEnds`: where the first lines end (the index of each one's CR), as far as the caller
    /// found them; the rest are searched for. `previousTarget`: the target of the connection's
    /// previous request, returned as this request's target when the bytes are the same (see
    /// `targetString`).
    static func decode(_ bytes: UnsafeRawBufferPointer, lineEnds: Span<Int32> = Span(), previousTarget: String = "")
        throws(HTTPParseError) -> (HTTPRequestHead, HTTPRequestFraming) {
        // Lines end at LF; the parser guaranteed each LF follows a CR. A lone CR elsewhere stays in
        // the line and is refused by the byte checks below.
        var line = 0
        func nextLineEnd(from start: Int) throws(HTTPParseError) -> Int {
            defer { line += 1 }
            return line < lineEnds.count ? Int(lineEnds[line]) : try crBeforeNextLF(bytes, from: start)
        }
        let lineEnd = try nextLineEnd(from: 0)
        let (method, target, version) = try decodeRequestLine(UnsafeRawBufferPointer(rebasing: bytes[0..<lineEnd]))

        var headers = HeaderFields(capacity: HeaderFields.requestHeadCapacity)
        var contentLength: Int?
        var transferCodings: [String] = []
        var sawTransferEncoding = false
        var connectionClose = false
        var connectionKeepAlive = false
        var expectContinue = false
        var hostCount = 0

        var start = lineEnd + 2
        while true {
            let end = try nextLineEnd(from: start)
            if end == start { break }  // the empty line closing the head
            let (name, words, role, rawValue) = try decodeField(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            let value = KnownHeaderValues.match(rawValue) ?? String(decoding: rawValue, as: UTF8.self)
            // Known names come with their role, so the fields the framing depends on are found
            // without comparing strings (each of these names is a known one).
            switch role {
            case .other:
                break
            case .contentLength:
                // RFC 9112 §6.3 ¶5: more than one length, or one that is not a plain decimal, leaves
                // the body length unknowable; answering 400 and closing defeats request smuggling.
                guard contentLength == nil else { throw .badRequest("duplicate Content-Length") }
                guard let n = parseContentLength(rawValue) else { throw .badRequest("invalid Content-Length") }
                contentLength = n
            case .transferEncoding:
                sawTransferEncoding = true
                for coding in value.split(separator: ",") {
                    let c = HeaderFields.lowercase(String(trimOWS(coding)))
                    if !c.isEmpty { transferCodings.append(c) }
                }
            case .connection:
                for token in value.split(separator: ",") {
                    let t = HeaderFields.lowercase(String(trimOWS(token)))
                    if t == "close" { connectionClose = true } else if t == "keep-alive" { connectionKeepAlive = true }
                }
            case .expect:
                // RFC 9110 §10.1.1: 100-continue is the only expectation defined; others get 417.
                guard HeaderFields.lowercase(value) == "100-continue" else { throw .expectationFailed }
                expectContinue = true
            case .host:
                hostCount += 1
            }
            headers.add(name, value, words: words)
            start = end + 2
        }

        // RFC 9112 §3.2: a 1.1 request without exactly one Host field gets 400.
        if version == .http1_1 && hostCount != 1 { throw .badRequest("missing or repeated Host") }
        if hostCount > 1 { throw .badRequest("repeated Host") }

        var body = HTTPRequestFraming.Body.none
        if sawTransferEncoding {
            // RFC 9112 §6.3 ¶3: Transfer-Encoding together with Content-Length is the classic
            // smuggling vector; refuse instead of picking one.
            if contentLength != nil { throw .badRequest("both Content-Length and Transfer-Encoding") }
            // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request means faulty framing.
            if version == .http1_0 { throw .badRequest("Transfer-Encoding in HTTP/1.0") }
            // RFC 9112 §6.1: a coding this server does not understand is 501 ...
            for c in transferCodings where c != "chunked" { throw .unsupportedTransferCoding }
            // ... and §6.3 ¶4: chunked must be the final coding, applied once, else 400.
            guard transferCodings.count == 1 else { throw .badRequest("invalid Transfer-Encoding") }
            body = .chunked
        } else if let n = contentLength, n > 0 {
            body = .length(n)
        }

        let keepAlive = version == .http1_1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        let targetString = targetString(target, previous: previousTarget)
        let (path, query) = try decodeTarget(target, whole: targetString, method: method)
        let head = HTTPRequestHead(
            method: method, target: targetString, path: path, query: query,
            version: version, headers: headers)
        // RFC 9110 §10.1.1: a 100-continue expectation from an HTTP/1.0 client is ignored.
        return (head, HTTPRequestFraming(body: body, keepAlive: keepAlive, expectContinue: expectContinue && version == .http1_1))
    }

    // MARK: request line (RFC 9112 §3)

    private static func decodeRequestLine(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> (String, UnsafeRawBufferPointer, HTTPVersion) {
        var sp1 = 0
        while sp1 < line.count, line[sp1] != 0x20 { sp1 += 1 }
        guard sp1 > 0, sp1 < line.count else { throw .badRequest("malformed request line") }
        for i in 0..<sp1 where !isTokenChar(line[i]) { throw .badRequest("malformed method") }
        var sp2 = sp1 + 1
        // Eight bytes at a time while none ends the target or is refused in it (below), so the
        // byte loops start after them and decide as if they had seen every byte.
        while sp2 + 8 <= line.count, isPlainTargetWord(WordScan.load(line.baseAddress! + sp2)) { sp2 += 8 }
        let plainEnd = sp2
        while sp2 < line.count, line[sp2] != 0x20 { sp2 += 1 }
        guard sp2 > sp1 + 1, sp2 < line.count else { throw .badRequest("malformed request line") }
        for i in plainEnd..<sp2 where line[i] < 0x21 || line[i] > 0x7E || line[i] == 0x23 {
            throw .badRequest("malformed request target")
        }
        let v = UnsafeRawBufferPointer(rebasing: line[(sp2 + 1)...])
        // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
        guard v.count == 8, v[0] == 0x48, v[1] == 0x54, v[2] == 0x54, v[3] == 0x50, v[4] == 0x2F,
              v[6] == 0x2E, let major = digit(v[5]), let minor = digit(v[7])
        else { throw .badRequest("malformed HTTP version") }
        guard major == 1 else { throw .unsupportedVersion }
        // A later 1.x minor version is understood as 1.1 (RFC 9110 §6.2).
        let version: HTTPVersion = minor == 0 ? .http1_0 : .http1_1
        return (methodString(UnsafeRawBufferPointer(rebasing: line[0..<sp1])),
                UnsafeRawBufferPointer(rebasing: line[(sp1 + 1)..<sp2]), version)
    }

    /// A connection's requests mostly go to one URL (a vendor posts every webhook to its
    /// source's path), so the previous target's string is shared when the bytes match: a
    /// comparison instead of building a string, which for targets over 15 bytes, like
    /// `/webhooks/recall`, meant a malloc and a free per request.
    private static func targetString(_ target: UnsafeRawBufferPointer, previous: String) -> String {
        let same = previous.utf8.count == target.count && previous.utf8.withContiguousStorageIfAvailable { p in
            memcmp(p.baseAddress!, target.baseAddress!, target.count) == 0
        } == true
        return same ? previous : String(decoding: target, as: UTF8.self)
    }

    /// Common methods come back as literals (no allocation); anything else as sent.
    private static func methodString(_ m: UnsafeRawBufferPointer) -> String {
        switch m.count {
        case 3:
            if m[0] == 0x47 && m[1] == 0x45 && m[2] == 0x54 { return "GET" }
            if m[0] == 0x50 && m[1] == 0x55 && m[2] == 0x54 { return "PUT" }
        case 4:
            if m[0] == 0x50 && m[1] == 0x4F && m[2] == 0x53 && m[3] == 0x54 { return "POST" }
            if m[0] == 0x48 && m[1] == 0x45 && m[2] == 0x41 && m[3] == 0x44 { return "HEAD" }
        default:
            break
        }
        return String(decoding: m, as: UTF8.self)
    }

    // MARK: header fields (RFC 9112 §5)

    /// The end of the line starting at `start`: the index of the CR before its LF. memchr, since a
    /// byte loop over the head was ~1 400 instructions a request (a W1 head is ~200 bytes).
    @inline(__always)
    private static func crBeforeNextLF(_ bytes: UnsafeRawBufferPointer, from start: Int) throws(HTTPParseError) -> Int {
        let from = start + 1
        guard from < bytes.count, let lf = memchr(bytes.baseAddress! + from, 0x0A, bytes.count - from) else {
            throw .badRequest("unterminated head")  // the parser hands over complete heads only
        }
        return UnsafeRawPointer(lf) - UnsafeRawPointer(bytes.baseAddress!) - 1
    }

    /// One header line, checked: its name (lowercase), the name's words and role, and the value's
    /// bytes without the surrounding whitespace.
    private static func decodeField(_ line: UnsafeRawBufferPointer) throws(HTTPParseError)
        -> (name: String, words: HeaderName.Words, role: KnownHeaderNames.Role, value: UnsafeRawBufferPointer) {
        // A known name before the first colon is made of tchar bytes (the match proves it), so
        // the byte-by-byte check below is needed only for the others, and finds the same colon.
        var colon = 0
        var known: KnownHeaderNames.Match?
        if let found = memchr(line.baseAddress!, 0x3A, line.count) {
            colon = UnsafeRawPointer(found) - line.baseAddress!
            known = KnownHeaderNames.match(UnsafeRawBufferPointer(rebasing: line[0..<colon]))
        }
        if known == nil {
            colon = 0
            while colon < line.count, line[colon] != 0x3A {
                // A space before the colon (RFC 9112 §5.1) or a folded line starting with whitespace
                // (obs-fold, §5.2) lands here as a non-token byte: both are refused with 400.
                guard isTokenChar(line[colon]) else { throw .badRequest("malformed header field name") }
                colon += 1
            }
            guard colon > 0, colon < line.count else { throw .badRequest("malformed header field") }
        }
        var vs = colon + 1
        var ve = line.count
        while vs < ve, line[vs] == 0x20 || line[vs] == 0x09 { vs += 1 }
        while ve > vs, line[ve - 1] == 0x20 || line[ve - 1] == 0x09 { ve -= 1 }
        var i = vs
        while i < ve {
            // Eight bytes at a time while none is a control byte (HTAB included: the byte loop
            // allows it) or DEL, the usual case.
            if i + 8 <= ve, isPlainValueWord(WordScan.load(line.baseAddress! + i)) {
                i += 8
                continue
            }
            // Fewer than eight bytes left: the word ending with the value holds them and bytes
            // before them in the line (value bytes checked already, or the name, colon and OWS,
            // none a control byte but HTAB), so when it is plain, so are they.
            if i + 8 > ve, ve >= 8, isPlainValueWord(WordScan.load(line.baseAddress! + (ve - 8))) { break }
            let b = line[i]
            // field-vchar / obs-text plus SP and HTAB; NUL, CR, LF and other controls are refused.
            if (b < 0x20 && b != 0x09) || b == 0x7F { throw .badRequest("invalid byte in header value") }
            i += 1
        }
        let value = UnsafeRawBufferPointer(rebasing: line[vs..<ve])
        if let known { return (known.name, known.words, known.role, value) }
        var words: HeaderName.Words?
        let name = String(unsafeUninitializedCapacity: colon) { out in
            for i in 0..<colon {
                let b = line[i]
                out[i] = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            }
            words = HeaderName.Words(UnsafeRawPointer(out.baseAddress!), count: colon)
            return colon
        }
        return (name, words!, .other, value)
    }

    private static func parseContentLength(_ raw: UnsafeRawBufferPointer) -> Int? {
        guard !raw.isEmpty, raw.count <= 18 else { return nil }
        var n = 0
        for b in raw {
            guard let d = digit(b) else { return nil }
            n = n * 10 + d
        }
        return n
    }

    // MARK: request target (RFC 9112 §3.2)

    private static func decodeTarget(_ t: UnsafeRawBufferPointer, whole: String, method: String) throws(HTTPParseError) -> (String, [(String, String)]) {
        var pathStart = 0
        if t[0] == 0x2F {
            pathStart = 0
        } else if t.count == 1 && t[0] == 0x2A {
            guard method == "OPTIONS" else { throw .badRequest("asterisk target outside OPTIONS") }
            return ("*", [])
        } else if let afterScheme = absoluteFormAuthorityStart(t) {
            // absolute-form (§3.2.2): servers must accept it; the path starts after the authority.
            var i = afterScheme
            while i < t.count, t[i] != 0x2F, t[i] != 0x3F { i += 1 }
            if i == t.count || t[i] == 0x3F {
                let q = i < t.count ? try decodeQuery(UnsafeRawBufferPointer(rebasing: t[(i + 1)...])) : []
                return ("/", q)
            }
            pathStart = i
        } else {
            throw .badRequest("unsupported request target form")
        }
        var q = pathStart
        var escaped = false
        // Eight bytes at a time up to the word holding the '?', if any.
        while q + 8 <= t.count {
            let w = WordScan.load(t.baseAddress! + q)
            if WordScan.hasByte(w, equalTo: 0x3F) { break }
            if WordScan.hasByte(w, equalTo: 0x25) { escaped = true }
            q += 8
        }
        while q < t.count, t[q] != 0x3F {
            if t[q] == 0x25 { escaped = true }
            q += 1
        }
        // The common case: the target is a plain path, so the path shares the target's string.
        if pathStart == 0 && q == t.count && !escaped { return (whole, []) }
        let path: String
        do {
            path = try PercentDecoding.decode(UnsafeRawBufferPointer(rebasing: t[pathStart..<q]), plusIsSpace: false, rejectNUL: true)
        } catch {
            throw .badRequest("malformed percent-encoding in path")
        }
        let query = q < t.count ? try decodeQuery(UnsafeRawBufferPointer(rebasing: t[(q + 1)...])) : []
        return (path, query)
    }

    private static func absoluteFormAuthorityStart(_ t: UnsafeRawBufferPointer) -> Int? {
        func hasPrefix(_ p: StaticString) -> Bool {
            let n = p.utf8CodeUnitCount
            guard t.count >= n else { return false }
            let pp = p.utf8Start
            for i in 0..<n where t[i] | 0x20 != pp[i] | 0x20 { return false }
            return true
        }
        if hasPrefix("http://") { return 7 }
        if hasPrefix("https://") { return 8 }
        return nil
    }

    private static func decodeQuery(_ q: UnsafeRawBufferPointer) throws(HTTPParseError) -> [(String, String)] {
        var out: [(String, String)] = []
        var start = 0
        while start <= q.count {
            var end = start
            while end < q.count, q[end] != 0x26 { end += 1 }
            if end > start {
                var eq = start
                while eq < end, q[eq] != 0x3D { eq += 1 }
                do {
                    let k = try PercentDecoding.decode(UnsafeRawBufferPointer(rebasing: q[start..<eq]), plusIsSpace: true, rejectNUL: false)
                    let v = eq < end
                        ? try PercentDecoding.decode(UnsafeRawBufferPointer(rebasing: q[(eq + 1)..<end]), plusIsSpace: true, rejectNUL: false)
                        : ""
                    out.append((k, v))
                } catch {
                    throw .badRequest("malformed percent-encoding in query")
                }
            }
            start = end + 1
        }
        return out
    }

    // MARK: character classes

    @inline(__always)
    private static func digit(_ b: UInt8) -> Int? { b >= 0x30 && b <= 0x39 ? Int(b &- 0x30) : nil }

    /// No byte of `w` is below 0x21 (SP, controls), '#', DEL or above (RFC 9112 §3.2: what a
    /// request target may not hold, and the space after it).
    @inline(__always)
    private static func isPlainTargetWord(_ w: UInt64) -> Bool {
        !WordScan.hasByte(w, below: 0x21) && !WordScan.hasByte(w, equalTo: 0x23) && !WordScan.hasNonASCII(w)
            && !WordScan.hasByte(w, equalTo: 0x7F)
    }

    @inline(__always)
    private static func isPlainValueWord(_ w: UInt64) -> Bool {
        !WordScan.hasByte(w, below: 0x20) && !WordScan.hasByte(w, equalTo: 0x7F)
    }

    /// tchar (RFC 9110 §5.6.2).
    @inline(__always)
    static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    private static func trimOWS(_ s: Substring) -> Substring {
        var s = s
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
