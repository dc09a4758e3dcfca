// The known-name table: every listed name is found in any letter case, and near misses (one byte
// changed anywhere, a byte more or less) fall through to the general path.

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
        Array(s.utf8).withUnsafeBytes { KnownHeaderNames.match($0) }
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
                    #expect(changed.withUnsafeBytes { KnownHeaderNames.match($0) } == nil, "\(name) at \(i)")
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
}
