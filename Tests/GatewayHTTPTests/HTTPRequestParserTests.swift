// The request parser fed every case whole, one byte at a time and in 25 random splits: valid
// requests, pipelining, chunked bodies with extensions and trailers, and each rejection.

import Testing
@testable import GatewayHTTP

@Suite struct HTTPRequestParserTests {
    private func parse(_ s: String, bodyLimit: Int = 1 << 20,
                       limits: HTTPParserLimits = HTTPParserLimits(headerLimit: 4096, maxHeaders: 20),
                       sourceLocation: SourceLocation = #_sourceLocation) -> ParseOutcome {
        let (outcome, consistent) = ParserDriver.consistent(requestBytes(s), bodyLimit: bodyLimit, limits: limits)
        #expect(consistent, "byte-by-byte or random splits disagree with one-shot parsing", sourceLocation: sourceLocation)
        return outcome
    }

    private func status(_ s: String, bodyLimit: Int = 1 << 20,
                        limits: HTTPParserLimits = HTTPParserLimits(headerLimit: 4096, maxHeaders: 20),
                        sourceLocation: SourceLocation = #_sourceLocation) -> Int? {
        parse(s, bodyLimit: bodyLimit, limits: limits, sourceLocation: sourceLocation).errorStatus
    }

    // MARK: valid requests

    @Test func parsesGetWithDecodedPathAndQuery() {
        let o = parse("GET /a%20b/c?x=1&y=two+words&z=%41&flag HTTP/1.1\r\nHost: h\r\nX-Thing:  v  \r\n\r\n")
        #expect(o.errorStatus == nil)
        #expect(o.requests.count == 1)
        let r = o.requests[0]
        #expect(r.method == "GET")
        #expect(r.target == "/a%20b/c?x=1&y=two+words&z=%41&flag")
        #expect(r.path == "/a b/c")
        #expect(r.query == ["x=1", "y=two words", "z=A", "flag="])
        #expect(r.headers == ["host: h", "x-thing: v"])
        #expect(r.framing == HTTPRequestFraming(body: .none, keepAlive: true, expectContinue: false))
    }

    @Test func lowercasesHeaderNamesAndFindsFramingHeadersCaseInsensitively() {
        let o = parse("POST /p HTTP/1.1\r\nHOST: h\r\nContent-LENGTH: 3\r\nCONNECTION: Close\r\n\r\nabc")
        #expect(o.requests.first?.headers == ["host: h", "content-length: 3", "connection: Close"])
        #expect(o.requests.first?.body == requestBytes("abc"))
        #expect(o.requests.first?.framing.keepAlive == false)
    }

    @Test func readsContentLengthBody() {
        let o = parse("POST /webhooks/recall HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n{\"ok\":true}")
        #expect(o.errorStatus == nil)
        #expect(o.requests.first?.body == requestBytes("{\"ok\":true}"))
        #expect(o.requests.first?.framing.body == .length(11))
    }

    @Test func readsChunkedBodyIgnoringExtensionsAndTrailers() {
        let o = parse("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value;x=\"q\"\r\nhello\r\n1 ; ext\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer-One: a\r\nX: y\r\n\r\n")
        #expect(o.errorStatus == nil)
        #expect(o.requests.count == 1)
        #expect(o.requests.first.map { String(decoding: $0.body, as: UTF8.self) } == "hello 0123456789")
        #expect(o.requests.first?.framing.body == .chunked)
    }

    @Test func parsesPipelinedRequestsInOrder() {
        let o = parse("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab"
            + "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\ncd\r\n0\r\n\r\n"
            + "GET /4 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(o.errorStatus == nil)
        #expect(o.requests.map(\.path) == ["/1", "/2", "/3", "/4"])
        #expect(o.requests.map { String(decoding: $0.body, as: UTF8.self) } == ["", "ab", "cd", ""])
    }

    @Test func keepsEachTargetWhenTheConnectionRepeatsOrChangesIt() {
        // The decoder shares the previous request's target string when the bytes match.
        let o = parse("GET /webhooks/recall HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /webhooks/recall HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /webhooks/recalL HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /webhooks/recall?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET /webhooks/recall?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(o.errorStatus == nil)
        #expect(o.requests.map(\.target) == ["/webhooks/recall", "/webhooks/recall", "/webhooks/recalL",
                                             "/webhooks/recall?x=1", "/webhooks/recall?x=1"])
        #expect(o.requests.map(\.path) == ["/webhooks/recall", "/webhooks/recall", "/webhooks/recalL",
                                           "/webhooks/recall", "/webhooks/recall"])
    }

    @Test func ignoresEmptyLinesBeforeRequestLine() {
        let o = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(o.errorStatus == nil)
        #expect(o.requests.map(\.path) == ["/"])
    }

    @Test func appliesHTTP10ConnectionSemantics() {
        let plain = parse("GET / HTTP/1.0\r\n\r\n")
        #expect(plain.requests.first?.version == .http1_0)
        #expect(plain.requests.first?.framing.keepAlive == false)
        let keep = parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        #expect(keep.requests.first?.framing.keepAlive == true)
    }

    @Test func acceptsAbsoluteFormAndAsteriskForOptions() {
        let o = parse("GET http://example.com/x%2Fy?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\nOPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(o.requests.map(\.path) == ["/x/y", "*"])
        #expect(o.requests.first?.query == ["q=1"])
    }

    @Test func flagsExpectContinue() {
        let o = parse("POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nz")
        #expect(o.requests.first?.framing.expectContinue == true)
    }

    @Test func treatsLaterHTTP1MinorVersionAsHTTP11() {
        #expect(parse("GET / HTTP/1.7\r\nHost: h\r\n\r\n").requests.first?.version == .http1_1)
    }

    // MARK: rejections

    @Test func rejectsMalformedRequestLinesWith400() {
        #expect(status("GET /\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1 \r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET / http/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET /a\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET example.com HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET * HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
    }

    @Test func rejectsMalformedHeaderFieldsWith400() {
        #expect(status("GET / HTTP/1.1\r\nHost : h\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\n: empty-name\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n") == 400)
    }

    @Test func refusesEveryControlByteAtEveryOffsetOfALongValue() {
        // Values are checked a word at a time; a bad byte must be caught wherever it sits.
        for offset in 0..<20 {
            for bad: UInt8 in [0x00, 0x01, 0x0B, 0x1F, 0x7F] {
                var value = Array(repeating: UInt8(ascii: "v"), count: 24)
                value[offset] = bad
                let head = requestBytes("GET / HTTP/1.1\r\nHost: h\r\nX-Long: ") + value + requestBytes("\r\n\r\n")
                #expect(ParserDriver.consistent(head, bodyLimit: 0, limits: HTTPParserLimits(headerLimit: 4096, maxHeaders: 20)).0.errorStatus == 400,
                        "byte \(bad) at \(offset)")
            }
        }
        // HTAB, SP and obs-text (bytes >= 0x80, here UTF-8) are allowed anywhere in a value.
        let o = parse("GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\tb c José 0123456789 \t tail\r\n\r\n")
        #expect(o.requests.first?.headers == ["host: h", "x-long: a\tb c José 0123456789 \t tail"])
    }

    @Test func knownNamesInAnyCaseBecomeTheirLowercaseLiteral() {
        let o = parse("POST /p HTTP/1.1\r\nHOST: h\r\nWebhook-Signature: v1,x\r\nwEBHOOK-iD: m\r\nX-Unknown-Thing: u\r\nContent-Length: 0\r\n\r\n")
        #expect(o.requests.first?.headers == ["host: h", "webhook-signature: v1,x", "webhook-id: m", "x-unknown-thing: u", "content-length: 0"])
    }

    @Test func rejectsBareLineFeedsWith400() {
        #expect(status("GET / HTTP/1.1\nHost: h\n\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: h\n\r\n") == 400)
        #expect(status("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
    }

    @Test func rejectsMissingOrRepeatedHostInHTTP11() {
        #expect(status("GET / HTTP/1.1\r\n\r\n") == 400)
        #expect(status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400)
    }

    @Test func rejectsSmugglingFramingWith400() {
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n") == 400)
        #expect(status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400)
    }

    @Test func rejectsUnsupportedTransferCodingWith501() {
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") == 501)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n") == 501)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n") == 501)
    }

    @Test func rejectsUnsupportedVersionWith505() {
        #expect(status("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505)
        #expect(status("GET / HTTP/0.9\r\nHost: h\r\n\r\n") == 505)
    }

    @Test func rejectsOversizedHeaderSectionWith431() {
        let limits = HTTPParserLimits(headerLimit: 256, maxHeaders: 20)
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 300) + "\r\n\r\n"
        #expect(status(big, limits: limits) == 431)
        // Never terminated: refused once the limit is passed, without waiting for the end.
        let endless = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 300)
        #expect(status(endless, limits: limits) == 431)
    }

    @Test func rejectsTooManyHeadersWith431() {
        let limits = HTTPParserLimits(headerLimit: 8192, maxHeaders: 5)
        let five = (0..<5).map { "X-\($0): v\r\n" }.joined()
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\n" + five + "\r\n", limits: limits) == 431)
        let four = (0..<4).map { "X-\($0): v\r\n" }.joined()
        #expect(status("GET / HTTP/1.1\r\nHost: h\r\n" + four + "\r\n", limits: limits) == nil)
    }

    @Test func decidesContentLengthOver413FromTheHeadAlone() {
        let o = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", bodyLimit: 10)
        #expect(o.errorStatus == 413)
        #expect(o.requests.isEmpty)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", bodyLimit: 10) == nil)
    }

    @Test func rejectsChunkedBodyOnceRunningTotalPassesLimit() {
        let o = parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n012345\r\n0\r\n\r\n", bodyLimit: 10)
        #expect(o.errorStatus == 413)
        // Decided at the second chunk's size line, before its data.
        #expect(ParserDriver.run(requestBytes("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n"),
                                 pieces: [1], bodyLimit: 10).errorStatus == 413)
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", bodyLimit: 10) == nil)
    }

    @Test func rejectsMalformedChunkFramingWith400() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(status(head + "zz\r\n") == 400)
        #expect(status(head + "\r\n") == 400)
        #expect(status(head + "3\r\nabcX\r\n") == 400)
        #expect(status(head + "3\nabc\r\n") == 400)
        #expect(status(head + "1234567890123456\r\n") == 400)
        #expect(status(head + "1;" + String(repeating: "e", count: 2000) + "\r\na\r\n0\r\n\r\n") == 400)
        #expect(status(head + "1;a\u{1}b\r\na\r\n0\r\n\r\n") == 400)
        #expect(status(head + "0\r\nX: y\nZ\r\n\r\n") == 400)
    }

    @Test func boundsChunkedTrailersByTheHeaderLimit() {
        let limits = HTTPParserLimits(headerLimit: 128, maxHeaders: 20)
        let trailer = "X: " + String(repeating: "t", count: 200) + "\r\n"
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + trailer + "\r\n", limits: limits) == 431)
    }

    @Test func rejectsBadPercentEncodingInPathWith400() {
        #expect(status("GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET /a%zzb HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET /a%4 HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET /a%ff HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
        #expect(status("GET /?q=%g1 HTTP/1.1\r\nHost: h\r\n\r\n") == 400)
    }

    @Test func rejectsUnknownExpectationWith417() {
        #expect(status("POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nz") == 417)
    }

    @Test func staysFailedAfterAnError() {
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        let bad = requestBytes("BAD\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        let first = bad.withUnsafeBytes { parser.parse($0) }
        guard case .failed(let e) = first.event else {
            Issue.record("expected failure, got \(first.event)")
            return
        }
        #expect(e.status == 400)
        let again = bad.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[first.consumed...])) }
        guard case .failed = again.event else {
            Issue.record("parser recovered after an error")
            return
        }
    }
}
