// An absolute http/https URL split into what the client needs: which origin to connect to and
// which request target to send. Parsed here rather than with Foundation's URL so the rules are ours
// (no userinfo, explicit port range, IPv6 literals) and errors say what is wrong.

public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case http, https

        public var defaultPort: Int { self == .http ? 80 : 443 }
    }

    public let scheme: Scheme
    /// Lowercased host name or IP literal, without the brackets of an IPv6 literal.
    public let host: String
    public let port: Int
    /// Path and query as sent on the request line ("/" when the URL has no path); no fragment.
    public let target: String

    /// Parses `string`, or nil if it is not an absolute http/https URL the client can use.
    public init?(_ string: String) {
        guard let url = try? HTTPURL(parsing: string) else { return nil }
        self = url
    }

    /// Parses `string`, throwing `.invalidURL` with the reason (the URL itself is not repeated, as
    /// webhook URLs often carry tokens).
    public init(parsing string: String) throws(HTTPClientError) {
        guard let sep = string.range(of: "://") else { throw .invalidURL("missing scheme (expected http:// or https://)") }
        let schemeText = string[..<sep.lowerBound].lowercased()
        guard let scheme = Scheme(rawValue: schemeText) else {
            throw .invalidURL("unsupported scheme '\(schemeText)' (expected http or https)")
        }
        let rest = string[sep.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty || target.first == "?" { target = "/" + target }
        for b in target.utf8 where b <= 0x20 || b == 0x7F {
            throw .invalidURL("path or query contains a space or control character (percent-encode it)")
        }
        guard !authority.contains("@") else { throw .invalidURL("user information in URLs is not supported") }

        var hostPart: Substring
        var portPart: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL("unterminated IPv6 literal") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw .invalidURL("unexpected text after IPv6 literal") }
                portPart = after.dropFirst()
            }
            guard hostPart.contains(":"), hostPart.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw .invalidURL("invalid IPv6 literal")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw .invalidURL("missing host") }
        if authority.first != "[" && hostPart.contains(":") {
            throw .invalidURL("IPv6 literal hosts must be in brackets")
        }
        // Host names: letters, digits, '-', '.', '_' (seen in internal DNS); no percent-encoding.
        guard hostPart.utf8.allSatisfy({ HTTPURL.isHostByte($0) }) else {
            throw .invalidURL("host contains characters that are not allowed in a host name")
        }
        var port = scheme.defaultPort
        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let p = Int(portPart), (1...65535).contains(p)
            else { throw .invalidURL("port must be a number from 1 to 65535") }
            port = p
        }
        self.scheme = scheme
        self.host = hostPart.lowercased()
        self.port = port
        self.target = target
    }

    /// True when `host` is an IPv6 literal (it needs brackets in the Host header).
    public var hostIsIPv6Literal: Bool { host.contains(":") }

    /// The Host header value: the port only when it is not the scheme's default (RFC 9110 §7.2).
    public var hostHeader: String {
        let h = hostIsIPv6Literal ? "[\(host)]" : host
        return port == scheme.defaultPort ? h : "\(h):\(port)"
    }

    /// scheme://host:port, the key of the connection pool; safe to log (no path or query).
    public var origin: String {
        let h = hostIsIPv6Literal ? "[\(host)]" : host
        return "\(scheme.rawValue)://\(h):\(port)"
    }

    /// The origin only: paths and queries of webhook URLs often carry secrets.
    public var description: String { origin }

    private static func isHostByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }
}
