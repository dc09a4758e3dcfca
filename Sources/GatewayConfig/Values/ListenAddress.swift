// A listener address as written in configuration: `host:port`, or `[v6]:port` for IPv6 literals.
// Port 0 asks the kernel for a free port (tests use it). Host names are kept as written; the
// listener resolves them when it binds.

#if canImport(Glibc)
import Glibc
#endif
public import GatewayCore

public struct ListenAddress: Sendable, Hashable, CustomStringConvertible, ConfigDecodable {
    /// An IPv4 literal, an IPv6 literal (without brackets) or a host name.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// True when `host` is an IPv6 literal.
    public var isIPv6: Bool { host.contains(":") }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`; nil when malformed or out of range.
    public static func parse(_ text: String) -> ListenAddress? {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
            guard isIPv6Literal(String(host)) else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard isHostName(host) else { return nil }
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), portText.count <= 5,
              let port = Int(portText), (0...65535).contains(port) else { return nil }
        return ListenAddress(host: String(host), port: port)
    }

    public static func decode(_ node: ConfigNode, context: String, diagnostics: ConfigDiagnostics) -> ListenAddress? {
        guard let text = String.decode(node, context: context, diagnostics: diagnostics) else { return nil }
        guard let address = parse(text) else {
            diagnostics.error(
                "\(context) must be host:port with a port from 0 to 65535, e.g. 127.0.0.1:8080 or [::1]:8080",
                at: node.location)
            return nil
        }
        return address
    }

    private static func isIPv6Literal(_ s: String) -> Bool {
        var storage = in6_addr()
        return inet_pton(AF_INET6, s, &storage) == 1
    }

    /// An IPv4 literal or a DNS name: letters, digits, '-' and '.', no empty label. All-numeric
    /// dotted text must be a valid IPv4 literal (`999.1.1.1` is a typo, not a host name).
    private static func isHostName(_ s: Substring) -> Bool {
        guard !s.isEmpty, s.count <= 253 else { return false }
        if s.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
            var storage = in_addr()
            return inet_pton(AF_INET, String(s), &storage) == 1
        }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" }
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
