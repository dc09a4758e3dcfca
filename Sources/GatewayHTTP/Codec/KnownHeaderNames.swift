// Header names that arrive on nearly every request (HTTP's own and the webhook vendors'), matched
// case-insensitively and returned as string literals: a literal needs no allocation, no reference
// counting and no release when the request is dropped. Names longer than 15 bytes (most vendor
// signature headers) would otherwise cost a heap allocation each, six or so per webhook.

enum KnownHeaderNames {
    private static let names: [String] = [
        "host", "content-type", "content-length", "transfer-encoding", "connection", "expect",
        "user-agent", "accept", "accept-encoding", "authorization", "date", "traceparent", "tracestate",
        "x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-real-ip",
        "webhook-id", "webhook-timestamp", "webhook-signature", "svix-id", "svix-timestamp", "svix-signature",
        "x-retell-signature", "x-webhook-signature", "x-webhook-event", "x-mb-secret",
        "stripe-signature", "x-hub-signature-256", "x-github-event", "x-github-delivery",
        "x-slack-signature", "x-slack-request-timestamp", "x-shopify-hmac-sha256", "x-shopify-topic",
    ]

    /// `byLength[n]`: the known names of n bytes, with their bytes for comparison.
    private static let byLength: [[(bytes: [UInt8], name: String)]] = {
        var table = [[(bytes: [UInt8], name: String)]](repeating: [], count: 32)
        for name in names { table[name.utf8.count].append((Array(name.utf8), name)) }
        return table
    }()

    /// The literal for `raw` when it is a known name in any letter case, else nil.
    static func match(_ raw: UnsafeRawBufferPointer) -> String? {
        guard raw.count < byLength.count else { return nil }
        candidates: for candidate in byLength[raw.count] {
            for i in 0..<raw.count {
                let b = raw[i]
                if (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) != candidate.bytes[i] { continue candidates }
            }
            return candidate.name
        }
        return nil
    }
}
