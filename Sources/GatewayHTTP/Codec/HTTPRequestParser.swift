// Incremental HTTP/1.1 request parser (RFC 9112). It owns no buffer: the caller presents the bytes it
// has not yet consumed, and gets back one event plus how many bytes that event consumed. Bytes not
// consumed must be presented again, followed by whatever arrived since. Any split of the input,
// down to one byte per call, yields the same events.
//
// Flow per request: `.head` → caller asks its handler, then calls `beginBody(limit:)` →
// `.body` ranges → `.end`; then the next request's head. After `.failed` the connection is done.

#if canImport(Glibc)
import Glibc
#endif

struct HTTPRequestParser {
    enum Event {
        /// Every presented byte that could be used was consumed; read more.
        case needMoreData
        case head(HTTPRequestHead, HTTPRequestFraming)
        /// Body bytes at this range of the presented input.
        case body(Range<Int>)
        case end
        case failed(HTTPParseError)
    }

    private enum State {
        case head
        case awaitingBodyDecision(HTTPRequestFraming.Body)
        case fixed(remaining: Int)
        case chunkSize
        case chunkExtension
        case chunkSizeLF
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailerLineStart
        case trailerLine
        case trailerLineLF
        case trailerEndLF
        case endOfBody
        case failed(HTTPParseError)
    }

    let limits: HTTPParserLimits
    private var state: State = .head
    // Head scanning progress, relative to the first unconsumed byte, so a head arriving one byte at
    // a time is scanned once rather than from the start on every call.
    private var scanned = 0
    private var lineStart = 0
    private var lines = 0
    /// Where the head's first lines end (the index of each one's CR), found while scanning and
    /// handed to the decoder, which then need not search for them again (~40 instructions a
    /// line). `recordedLines` of them are set: the first lines, up to the capacity.
    private var lineEnds = InlineArray<24, Int32>(repeating: 0)
    private var recordedLines = 0
    // Chunked body progress.
    private var bodyLimit = 0
    private var bodyReceived = 0
    private var chunkValue = 0
    private var chunkDigits = 0
    private var extensionBytes = 0
    private var trailerBytes = 0
    /// The last request's target, for the decoder to share (short ones only: a long target
    /// is not worth holding for the connection's life).
    private var previousTarget = ""

    init(limits: HTTPParserLimits) {
        self.limits = limits
    }

    /// True between requests: nothing of the next request has been consumed or scanned yet.
    var isIdle: Bool {
        if case .head = state { return scanned == 0 }
        return false
    }

    /// True once the head is complete and until the body has been read.
    var isReadingBody: Bool {
        switch state {
        case .head, .endOfBody, .failed: false
        default: true
        }
    }

    /// Called once after `.head`: sets the body limit the handler chose. Returns 413 at once when a
    /// declared `Content-Length` exceeds it, before a single body byte is read.
    mutating func beginBody(limit: Int) -> HTTPParseError? {
        guard case .awaitingBodyDecision(let framing) = state else {
            preconditionFailure("beginBody(limit:) called outside of a head/body transition")
        }
        bodyLimit = limit
        bodyReceived = 0
        switch framing {
        case .none:
            state = .endOfBody
        case .length(let n):
            if n > limit {
                state = .failed(.bodyTooLarge)
                return .bodyTooLarge
            }
            state = n == 0 ? .endOfBody : .fixed(remaining: n)
        case .chunked:
            chunkValue = 0
            chunkDigits = 0
            extensionBytes = 0
            trailerBytes = 0
            state = .chunkSize
        }
        return nil
    }

    mutating func parse(_ input: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        switch state {
        case .head:
            return parseHead(input)
        case .awaitingBodyDecision:
            preconditionFailure("parse called before beginBody(limit:)")
        case .fixed(let remaining):
            if input.isEmpty { return (.needMoreData, 0) }
            let n = min(remaining, input.count)
            state = n == remaining ? .endOfBody : .fixed(remaining: remaining - n)
            return (.body(0..<n), n)
        case .endOfBody:
            state = .head
            return (.end, 0)
        case .failed(let e):
            return (.failed(e), 0)
        default:
            return parseChunked(input)
        }
    }

    private mutating func fail(_ e: HTTPParseError, consumed: Int = 0) -> (event: Event, consumed: Int) {
        state = .failed(e)
        return (.failed(e), consumed)
    }

    // MARK: head

    private mutating func parseHead(_ input: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        var skipped = 0
        if scanned == 0 {
            // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the
            // request-line (some clients send an extra CRLF after a POST body).
            while skipped < input.count, input[skipped] == 0x0D {
                guard skipped + 1 < input.count else { return (.needMoreData, skipped) }
                guard input[skipped + 1] == 0x0A else { return fail(.badRequest("malformed request line")) }
                skipped += 2
            }
            if skipped < input.count, input[skipped] == 0x0A {
                return fail(.badRequest("bare LF in head"))
            }
            if skipped > 0 {
                let rest = parseHead(UnsafeRawBufferPointer(rebasing: input[skipped...]))
                return (rest.event, rest.consumed + skipped)
            }
        }
        guard let base = input.baseAddress else { return (.needMoreData, 0) }
        var i = scanned
        while i < input.count {
            guard let found = memchr(base + i, 0x0A, input.count - i) else {
                scanned = input.count
                if scanned > limits.headerLimit { return fail(.headerTooLarge) }
                return (.needMoreData, 0)
            }
            let lf = base.distance(to: UnsafeRawPointer(found))
            if lf + 1 > limits.headerLimit { return fail(.headerTooLarge) }
            // RFC 9112 §2.2 lets a recipient accept a bare LF; refusing it keeps every hop agreeing
            // on where lines end.
            guard lf > lineStart, input[lf - 1] == 0x0D else { return fail(.badRequest("bare LF in head")) }
            if recordedLines == lines, lines < lineEnds.count, lf <= Int32.max {
                lineEnds[lines] = Int32(truncatingIfNeeded: lf - 1)
                recordedLines += 1
            }
            if lf - 1 == lineStart {
                let end = lf + 1
                let recorded = recordedLines
                scanned = 0
                lineStart = 0
                lines = 0
                recordedLines = 0
                let headBytes = UnsafeRawBufferPointer(rebasing: input[0..<end])
                do throws(HTTPParseError) {
                    let (head, framing) = try HTTPHeadDecoder.decode(
                        headBytes, lineEnds: lineEnds.span.extracting(0..<recorded), previousTarget: previousTarget)
                    if head.target.utf8.count <= 256 { previousTarget = head.target }
                    state = .awaitingBodyDecision(framing.body)
                    return (.head(head, framing), end)
                } catch {
                    return fail(error, consumed: end)
                }
            }
            lines += 1
            if lines - 1 > limits.maxHeaders { return fail(.tooManyHeaders) }
            lineStart = lf + 1
            i = lf + 1
        }
        scanned = input.count
        return (.needMoreData, 0)
    }

    // MARK: chunked body (RFC 9112 §7.1)

    private mutating func parseChunked(_ input: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        var i = 0
        while i < input.count {
            let b = input[i]
            switch state {
            case .chunkSize:
                if let v = PercentDecoding.hexValue(b) {
                    // 15 hex digits is already far past any body limit; more could overflow.
                    guard chunkDigits < 15 else { return fail(.badRequest("chunk size too long"), consumed: i) }
                    chunkValue = chunkValue << 4 | Int(v)
                    chunkDigits += 1
                } else if chunkDigits == 0 {
                    return fail(.badRequest("malformed chunk size"), consumed: i)
                } else if b == 0x3B || b == 0x20 || b == 0x09 {
                    extensionBytes = 0
                    state = .chunkExtension
                } else if b == 0x0D {
                    state = .chunkSizeLF
                } else {
                    return fail(.badRequest("malformed chunk size"), consumed: i)
                }
            case .chunkExtension:
                // Extensions are ignored, but bounded and free of control bytes.
                if b == 0x0D {
                    state = .chunkSizeLF
                } else if (b < 0x20 && b != 0x09) || b == 0x7F {
                    return fail(.badRequest("malformed chunk extension"), consumed: i)
                } else {
                    extensionBytes += 1
                    if extensionBytes > limits.maxChunkExtension {
                        return fail(.badRequest("chunk extension too long"), consumed: i)
                    }
                }
            case .chunkSizeLF:
                guard b == 0x0A else { return fail(.badRequest("malformed chunk size line"), consumed: i) }
                if chunkValue == 0 {
                    trailerBytes = 0
                    state = .trailerLineStart
                } else {
                    // 413 as soon as the running total would pass the limit, before reading the chunk.
                    guard chunkValue <= bodyLimit - bodyReceived else { return fail(.bodyTooLarge, consumed: i) }
                    bodyReceived += chunkValue
                    state = .chunkData(remaining: chunkValue)
                }
            case .chunkData(let remaining):
                let n = min(remaining, input.count - i)
                state = n == remaining ? .chunkDataCR : .chunkData(remaining: remaining - n)
                return (.body(i..<(i + n)), i + n)
            case .chunkDataCR:
                guard b == 0x0D else { return fail(.badRequest("missing CRLF after chunk data"), consumed: i) }
                state = .chunkDataLF
            case .chunkDataLF:
                guard b == 0x0A else { return fail(.badRequest("missing CRLF after chunk data"), consumed: i) }
                chunkValue = 0
                chunkDigits = 0
                state = .chunkSize
            case .trailerLineStart:
                if b == 0x0D {
                    state = .trailerEndLF
                } else {
                    state = .trailerLine
                    continue  // count this byte as part of the trailer line
                }
            case .trailerLine:
                // Trailer fields are discarded (RFC 9112 §7.1.2 lets a recipient ignore them);
                // bounded like the head.
                trailerBytes += 1
                if trailerBytes > limits.headerLimit { return fail(.headerTooLarge, consumed: i) }
                if b == 0x0D {
                    state = .trailerLineLF
                } else if b == 0x0A || b == 0 {
                    return fail(.badRequest("malformed trailer"), consumed: i)
                }
            case .trailerLineLF:
                guard b == 0x0A else { return fail(.badRequest("malformed trailer"), consumed: i) }
                state = .trailerLineStart
            case .trailerEndLF:
                guard b == 0x0A else { return fail(.badRequest("malformed trailer"), consumed: i) }
                state = .head
                return (.end, i + 1)
            default:
                preconditionFailure("parseChunked in a non-chunked state")
            }
            i += 1
        }
        return (.needMoreData, i)
    }
}
