// OpenSSL through a header-only shim: macros and variadic helpers become static inline
// functions that Swift can call.
#pragma once
// The SHA functions below (SHA256_Init and kin) are deprecated in OpenSSL 3 in favour of EVP,
// but they are the same assembly (SHA-NI where the CPU has it) without EVP's allocations and
// provider dispatch: see copenssl_sha_state. Only the deprecation warnings are suppressed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <openssl/sha.h>

static inline long copenssl_ssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
static inline long copenssl_ctx_set_min_proto(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}
static inline long copenssl_ctx_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
// SSL_OP_* are built with the function-like macro SSL_OP_BIT, which Swift cannot import.
static inline uint64_t copenssl_op_ignore_unexpected_eof(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline uint64_t copenssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t copenssl_op_cipher_server_preference(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }

// A hash computation held in plain memory, for the per-request HMAC and event-id digests: EVP
// allocates a context and duplicates the provider state on every copy (five mallocs per HMAC), while
// these states are copied by assignment and live on the caller's stack. `bits` is 1 (SHA-1), 256
// or 512.
typedef union {
    SHA_CTX sha1;
    SHA256_CTX sha256;
    SHA512_CTX sha512;
} copenssl_sha_state;

static inline void copenssl_sha_init(int bits, copenssl_sha_state *s) {
    switch (bits) {
    case 1: SHA1_Init(&s->sha1); break;
    case 256: SHA256_Init(&s->sha256); break;
    default: SHA512_Init(&s->sha512); break;
    }
}
static inline void copenssl_sha_update(int bits, copenssl_sha_state *s, const void *data, size_t count) {
    switch (bits) {
    case 1: SHA1_Update(&s->sha1, data, count); break;
    case 256: SHA256_Update(&s->sha256, data, count); break;
    default: SHA512_Update(&s->sha512, data, count); break;
    }
}
/// Writes the digest (20, 32 or 64 bytes) to `out`.
static inline void copenssl_sha_final(int bits, copenssl_sha_state *s, unsigned char *out) {
    switch (bits) {
    case 1: SHA1_Final(out, &s->sha1); break;
    case 256: SHA256_Final(out, &s->sha256); break;
    default: SHA512_Final(out, &s->sha512); break;
    }
}
