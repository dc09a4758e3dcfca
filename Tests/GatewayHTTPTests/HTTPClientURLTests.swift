// HTTPURL parsing (origins, targets, IPv6 literals, refusals that name the reason without echoing
// the URL) and the request bytes the client writes for it.
@testable import GatewayHTTP
import GatewayCore
import Testing

@Suite struct HTTPClientURLTests {
    @Test func splitsAURLIntoOriginAndTarget() throws {
        let url = try #require(HTTPURL("HTTPS://Hooks.Example.COM:8443/a/b?token=s3cret#frag"))
        #expect(url.scheme == .https)
        #expect(url.host == "hooks.example.com")
        #expect(url.port == 8443)
        #expect(url.target == "/a/b?token=s3cret")
        #expect(url.origin == "https://hooks.example.com:8443")
        #expect(url.hostHeader == "hooks.example.com:8443")
        #expect("\(url)" == "https://hooks.example.com:8443")  // no path or query: they may hold secrets
    }

    @Test func usesDefaultPortsAndARootTarget() throws {
        let plain = try #require(HTTPURL("http://example.com"))
        #expect(plain.port == 80 && plain.target == "/" && plain.hostHeader == "example.com")
        let secure = try #require(HTTPURL("https://example.com?x=1"))
        #expect(secure.port == 443 && secure.target == "/?x=1")
    }

    @Test func parsesBracketedIPv6Literals() throws {
        let url = try #require(HTTPURL("http://[::1]:8080/p"))
        #expect(url.host == "::1" && url.port == 8080 && url.hostIsIPv6Literal)
        #expect(url.hostHeader == "[::1]:8080")
        #expect(HTTPURL("http://[fe80::1]/")?.hostHeader == "[fe80::1]")
    }

    @Test func refusesURLsItCannotUseWithAReason() {
        let cases: [(String, String)] = [
            ("ftp://example.com/", "unsupported scheme 'ftp'"),
            ("example.com/path", "missing scheme"),
            ("http:///path", "missing host"),
            ("http://user:pw@example.com/", "user information"),
            ("http://example.com:0/", "port must be"),
            ("http://example.com:65536/", "port must be"),
            ("http://example.com:8x/", "port must be"),
            ("http://exa mple.com/", "host contains"),
            ("http://example.com/a b", "space or control"),
            ("http://[::1/", "unterminated IPv6"),
            ("http://::1/", "in brackets"),
        ]
        for (text, reason) in cases {
            #expect {
                _ = try HTTPURL(parsing: text)
            } throws: { error in
                guard case HTTPClientError.invalidURL(let why) = error else { return false }
                return why.contains(reason) && !why.contains("pw")
            }
            #expect(HTTPURL(text) == nil)
        }
    }

    @Test func encodesTheRequestWithDefaultsAndCallerHeaders() throws {
        let url = try #require(HTTPURL("http://[::1]:8080/hook?a=1"))
        var headers = HeaderFields([("X-Id", "42"), ("Content-Length", "999"), ("Transfer-Encoding", "chunked")])
        let post = HTTPClientRequest(method: "POST", url: url, headers: headers, body: Array("{}".utf8))
        let text = String(decoding: try ClientRequestEncoder.encode(post, userAgent: "ua/1"), as: UTF8.self)
        #expect(text == "POST /hook?a=1 HTTP/1.1\r\nx-id: 42\r\nhost: [::1]:8080\r\nuser-agent: ua/1\r\ncontent-length: 2\r\n\r\n{}")
        // A caller's Host and User-Agent win; a bodiless GET carries no Content-Length.
        headers = HeaderFields([("Host", "virtual.example"), ("User-Agent", "mine")])
        let get = HTTPClientRequest(url: url, headers: headers)
        let getText = String(decoding: try ClientRequestEncoder.encode(get, userAgent: "ua/1"), as: UTF8.self)
        #expect(getText == "GET /hook?a=1 HTTP/1.1\r\nhost: virtual.example\r\nuser-agent: mine\r\n\r\n")
        // An empty POST still says its length is zero.
        let emptyPost = HTTPClientRequest(method: "POST", url: url)
        #expect(String(decoding: try ClientRequestEncoder.encode(emptyPost, userAgent: "u"), as: UTF8.self).contains("content-length: 0\r\n"))
    }
}
