// Settings shared by the server and client contexts, and the file checks that let errors name
// the exact file instead of OpenSSL's generic "system lib" failure.
import COpenSSL
import Glibc

enum OpenSSLContextSetup {
    static func applyCommon(_ ctx: OpaquePointer) {
        _ = copenssl_ctx_set_min_proto(ctx, TLS1_2_VERSION)
        // Partial writes and moving buffers: the non-blocking server loop retries a write with
        // whatever is left, from wherever its buffer now lives. Released buffers keep idle
        // keep-alive connections cheap.
        _ = copenssl_ctx_set_mode(ctx, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS))
        // A peer closing without close_notify is an ordinary EOF for HTTP: message framing
        // (Content-Length, chunked) is what detects truncation, as every HTTP client does.
        SSL_CTX_set_options(ctx, copenssl_op_ignore_unexpected_eof())
    }

    static func requireReadable(_ path: String, what: String) throws(TLSContextError) {
        if access(path, R_OK) != 0 {
            throw TLSContextError(path: path, "cannot read \(what) file: \(String(cString: strerror(errno)))")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
