// Client-side TLS for HTTP sinks: verifies the server's certificate chain against the system
// trust store or a configured CA file, and the certificate's name against the host connected to.
import COpenSSL
import Glibc
public import GatewayHTTP

/// `@unchecked Sendable`: the SSL_CTX (trust store included) is configured in `init` and never
/// mutated afterwards; creating sessions from it on many threads is safe in OpenSSL, and each
/// session keeps its own reference to it.
public final class OpenSSLClientContext: TLSClientContext, @unchecked Sendable {
    private let ctx: OpaquePointer

    /// - Parameter caFile: a PEM bundle of CA certificates to trust *instead of* the system store
    ///   (like curl's `--cacert`); nil trusts the system store (OpenSSL's default verify paths).
    public init(caFile: String? = nil) throws(TLSContextError) {
        _ = OpenSSLProcessSetup.ignoreSIGPIPE
        if let caFile { try OpenSSLContextSetup.requireReadable(caFile, what: "CA") }
        OpenSSLErrors.clear()
        guard let ctx = SSL_CTX_new(TLS_client_method()) else {
            throw TLSContextError(OpenSSLErrors.drain(fallback: "cannot create TLS client context"))
        }
        self.ctx = ctx
        OpenSSLContextSetup.applyCommon(ctx)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        if let caFile {
            guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
                throw TLSContextError(path: caFile, "cannot load CA certificates: \(OpenSSLErrors.drain(fallback: "no PEM certificates found"))")
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(ctx) == 1 else {
                throw TLSContextError("cannot load the system trust store: \(OpenSSLErrors.drain(fallback: "unknown error"))")
            }
        }
    }

    deinit { SSL_CTX_free(ctx) }

    /// A client session on connected socket `fd` that sends SNI for `serverName` (unless it is an
    /// IP address, which SNI may not carry: RFC 6066 §3) and requires the certificate to match it.
    public func connect(fd: Int32, serverName: String) throws -> any TLSConnection {
        OpenSSLErrors.clear()
        guard let ssl = SSL_new(ctx) else {
            throw TLSContextError(OpenSSLErrors.drain(fallback: "cannot create TLS session"))
        }
        var configured = SSL_set_fd(ssl, fd) == 1
        if configured {
            if OpenSSLContextSetup.isIPAddress(serverName) {
                configured = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) == 1
            } else {
                // No partial wildcards ("w*.example.com"): RFC 6125 §6.4.3 discourages them.
                SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
                configured = SSL_set1_host(ssl, serverName) == 1
                    && copenssl_ssl_set_tlsext_host_name(ssl, serverName) == 1
            }
        }
        guard configured else {
            SSL_free(ssl)
            throw TLSContextError("cannot configure TLS session for '\(serverName)': \(OpenSSLErrors.drain(fallback: "invalid host name"))")
        }
        SSL_set_connect_state(ssl)
        return OpenSSLConnection(ssl: ssl, expectedHost: serverName)
    }
}
