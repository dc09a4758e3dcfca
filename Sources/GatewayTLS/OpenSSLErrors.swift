// Turns OpenSSL's per-thread error queue into one readable line, and makes sure the queue is
// empty before each call so a stale error from an earlier session is never blamed on this one.
import COpenSSL

enum OpenSSLErrors {
    static func clear() { ERR_clear_error() }

    /// Drains the thread's error queue: "reason; reason" (library-prefixed codes dropped for readability
    /// only when a reason string exists), or `fallback` when the queue is empty.
    static func drain(fallback: String) -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                parts.append(String(cString: reason))
            } else {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return parts.isEmpty ? fallback : parts.joined(separator: "; ")
    }
}
