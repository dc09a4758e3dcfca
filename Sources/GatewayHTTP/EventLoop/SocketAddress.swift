// Text forms of peer addresses, made once per connection for `HTTPRequest.remoteAddress`.

#if canImport(Glibc)
import Glibc
#endif

enum SocketAddress {
    static func port(of s: sockaddr_storage) -> Int {
        var s = s
        let family = Int32(s.ss_family)
        return withUnsafePointer(to: &s) { p in
            if family == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// `1.2.3.4:5678` or `[::1]:5678`.
    static func describe(_ s: sockaddr_storage) -> String {
        var s = s
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(s.ss_family)
        let port = port(of: s)
        withUnsafePointer(to: &s) { p in
            if family == AF_INET6 {
                p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { a in
                    var addr = a.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                }
            } else {
                p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { a in
                    var addr = a.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
                }
            }
        }
        let ip = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return family == AF_INET6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
