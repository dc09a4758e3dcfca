// Server-side TLS for the gateway's listener: loads the certificate chain and private key once,
// then creates one session per accepted socket. TLS 1.2 is the floor.
import COpenSSL
import Glibc
public import GatewayHTTP

/// `@unchecked Sendable`: the SSL_CTX is fully configured in `init` and never mutated afterwards;
/// OpenSSL documents creating sessions (SSL_new) from one SSL_CTX on many threads as safe, and
/// each session holds its own reference to the context, so sessions may outlive this object.
public final class OpenSSLServerContext: TLSServerContext, @unchecked Sendable {
    private let ctx: OpaquePointer

    /// - Parameters:
    ///   - certificatePath: PEM file with the server certificate first, then any intermediates.
    ///   - privateKeyPath: PEM file with the matching (unencrypted) private key.
    public init(certificatePath: String, privateKeyPath: String) throws(TLSContextError) {
        _ = OpenSSLProcessSetup.ignoreSIGPIPE
        try OpenSSLContextSetup.requireReadable(certificatePath, what: "certificate")
        try OpenSSLContextSetup.requireReadable(privateKeyPath, what: "private key")
        OpenSSLErrors.clear()
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw TLSContextError(OpenSSLErrors.drain(fallback: "cannot create TLS server context"))
        }
        self.ctx = ctx
        OpenSSLContextSetup.applyCommon(ctx)
        // Client-initiated renegotiation only costs the server CPU; nothing legitimate needs it.
        SSL_CTX_set_options(ctx, copenssl_op_no_renegotiation() | copenssl_op_cipher_server_preference())
        guard SSL_CTX_use_certificate_chain_file(ctx, certificatePath) == 1 else {
            throw TLSContextError(path: certificatePath,
                                  "cannot load certificate chain: \(OpenSSLErrors.drain(fallback: "not a PEM certificate"))")
        }
        guard SSL_CTX_use_PrivateKey_file(ctx, privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            let why = OpenSSLErrors.drain(fallback: "not a PEM private key")
            // OpenSSL checks the key against the loaded certificate here already.
            if why.contains("key values mismatch") {
                throw TLSContextError(path: privateKeyPath, "private key does not match the certificate in \(certificatePath)")
            }
            throw TLSContextError(path: privateKeyPath, "cannot load private key: \(why)")
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            OpenSSLErrors.clear()
            throw TLSContextError(path: privateKeyPath, "private key does not match the certificate in \(certificatePath)")
        }
    }

    deinit { SSL_CTX_free(ctx) }

    public func accept(fd: Int32) throws -> any TLSConnection {
        OpenSSLErrors.clear()
        guard let ssl = SSL_new(ctx) else {
            throw TLSContextError(OpenSSLErrors.drain(fallback: "cannot create TLS session"))
        }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            throw TLSContextError(OpenSSLErrors.drain(fallback: "cannot attach TLS session to socket"))
        }
        SSL_set_accept_state(ssl)
        return OpenSSLConnection(ssl: ssl, expectedHost: nil)
    }
}
