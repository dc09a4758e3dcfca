// The known-name table: every listed name is found in any letter case, and near misses (one byte
// changed anywhere, a byte more or less) fall through to the general path. A match proves the raw
// name tchar: the decoder skips its byte-by-byte check for known names.

import GatewayCore
import Testing
@testable import GatewayHTTP

@Suite struct KnownHeaderNamesTests {
    static let names = [
        "host", "date", "accept", "expect", "svix-id", "x-real-ip", "connection", "user-agent", "webhook-id",
        "x-mb-secret", "content-type", "x-request-id", "content-length", "svix-timestamp", "x-github-event",
        "x-forwarded-for", "x-shopify-topic", "stripe-signature", "webhook-signature", "x-github-delivery",
        "x-slack-signature", "x-hub-signature-256", "x-webhook-signature", "x-shopify-hmac-sha256",
        "x-slack-request-timestamp",
    ]

    func match(_ s: String) -> String? {
        Array(s.utf8).withUnsafeBytes { KnownHeaderNames.match($0)?.name }
    }

    @Test func findsEveryNameInAnyLetterCase() {
        for name in Self.names {
            #expect(match(name) == name)
            #expect(match(name.uppercased()) == name)
            let mixed = String(name.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })
            #expect(match(mixed) == name)
        }
    }

    @Test func refusesANameWithAnyOneByteChanged() {
        for name in Self.names {
            let bytes = Array(name.utf8)
            for i in bytes.indices {
                for replacement in [UInt8(ascii: "_"), UInt8(ascii: "q"), UInt8(ascii: "7"), UInt8(ascii: "!")] where replacement != bytes[i] {
                    var changed = bytes
                    changed[i] = replacement
                    #expect(changed.withUnsafeBytes { KnownHeaderNames.match($0)?.name } == nil, "\(name) at \(i)")
                }
            }
        }
    }

    @Test func refusesPrefixesAndExtensions() {
        for name in Self.names {
            #expect(match(String(name.dropLast())) == nil)
            #expect(match(name + "x") == nil)
        }
        #expect(match("") == nil)
        #expect(match("x") == nil)
        #expect(match(String(repeating: "a", count: 40)) == nil)
    }

    /// Flipping bit 0x20 turns a letter into its other case and every other byte of a known name
    /// ('0'-'9', '-') into a control byte: only the letters may differ, or the raw name would not
    /// be tchar.
    @Test func matchesOnlyLetterCaseVariants() {
        for name in Self.names {
            let bytes = Array(name.utf8)
            for i in bytes.indices {
                var flipped = bytes
                flipped[i] ^= 0x20
                let isLetter = bytes[i] >= 0x61 && bytes[i] <= 0x7A
                #expect(flipped.withUnsafeBytes { KnownHeaderNames.match($0)?.name } == (isLetter ? name : nil), "\(name) at \(i)")
            }
        }
    }

    @Test func bringsTheWordsOfTheLowercaseNameAndTheFramingRoles() {
        for name in Self.names {
            let m = Array(name.uppercased().utf8).withUnsafeBytes { KnownHeaderNames.match($0) }
            #expect(m?.words == HeaderName.Words(name))
        }
        let roles: [String: KnownHeaderNames.Role] = [
            "host": .host, "content-length": .contentLength, "transfer-encoding": .transferEncoding,
            "connection": .connection, "expect": .expect, "content-type": .other, "webhook-id": .other,
        ]
        for (name, role) in roles {
            #expect(Array(name.utf8).withUnsafeBytes { KnownHeaderNames.match($0)?.role } == role)
        }
    }
}
