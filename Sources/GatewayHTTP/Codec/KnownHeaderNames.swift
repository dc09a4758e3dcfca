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

    /// A name of 4 to 31 bytes as at most four words that together cover every byte: the words at
    /// 0, 8 and 16 that fit whole, and one ending at the last byte (overlapping the others), so
    /// no byte past the name is read. Comparing these compares the names, given equal lengths.
    private struct Words: Equatable {
        var first: UInt64 = 0, second: UInt64 = 0, third: UInt64 = 0, last: UInt64 = 0

        /// Every byte ORed with 0x20. Each byte of a known name has that bit already (a-z, 0-9,
        /// '-'), and the raw name holds only tchar bytes (the decoder checked them first): the
        /// OR then maps 'A'-'Z' onto 'a'-'z' and can turn no other tchar into a name byte (only
        /// control bytes, which are not tchar, differ from '0'-'9' and '-' in that bit alone).
        init(_ p: UnsafeRawPointer, count n: Int) {
            let fold: UInt64 = 0x2020_2020_2020_2020
            if n < 8 {  // 4...7: two overlapping 4-byte loads
                first = UInt64(p.loadUnaligned(as: UInt32.self)) | fold
                last = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) | fold
                return
            }
            first = p.loadUnaligned(as: UInt64.self) | fold
            if n >= 16 { second = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) | fold }
            if n >= 24 { third = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | fold }
            last = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) | fold
        }
    }

    /// `byLength[n]`: the known names of n bytes (at most four share a length), with their words.
    private static let byLength: [[(words: Words, name: String)]] = {
        var table = [[(words: Words, name: String)]](repeating: [], count: 32)
        for name in names {
            let bytes = Array(name.utf8)
            precondition(bytes.count >= 4 && bytes.count < table.count && bytes.allSatisfy { $0 & 0x20 != 0 })
            let words = bytes.withUnsafeBytes { Words($0.baseAddress!, count: bytes.count) }
            table[bytes.count].append((words, name))
        }
        return table
    }()

    /// The literal for `raw` when it is a known name in any letter case, else nil. `raw` must hold
    /// only tchar bytes (RFC 9110 §5.6.2).
    static func match(_ raw: UnsafeRawBufferPointer) -> String? {
        guard raw.count >= 4, raw.count < byLength.count else { return nil }
        let candidates = byLength[raw.count]
        guard !candidates.isEmpty else { return nil }
        let words = Words(raw.baseAddress!, count: raw.count)
        for candidate in candidates where candidate.words == words { return candidate.name }
        return nil
    }
}
