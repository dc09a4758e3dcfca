// Header names that arrive on nearly every request (HTTP's own and the webhook vendors'), matched
// case-insensitively and returned as string literals: a literal needs no allocation, no reference
// counting and no release when the request is dropped. Names longer than 15 bytes (most vendor
// signature headers) would otherwise cost a heap allocation each, six or so per webhook. A match
// also brings the name's words for look-ups (`HeaderName.Words`) and what the head decoder does
// with the field, and proves every byte of the raw name a tchar, so the decoder need not check them
// one by one.

#if canImport(GatewayCore)
import GatewayCore
#endif

enum KnownHeaderNames {
    /// What the head decoder does with a field besides storing it.
    enum Role: UInt8 {
        case other, host, contentLength, transferEncoding, connection, expect
    }

    private static let names: [(String, Role)] = [
        ("host", .host), ("content-type", .other), ("content-length", .contentLength),
        ("transfer-encoding", .transferEncoding), ("connection", .connection), ("expect", .expect),
        ("user-agent", .other), ("accept", .other), ("accept-encoding", .other), ("authorization", .other), ("date", .other),
        ("traceparent", .other), ("tracestate", .other),
        ("x-request-id", .other), ("x-forwarded-for", .other), ("x-forwarded-proto", .other), ("x-real-ip", .other),
        ("webhook-id", .other), ("webhook-timestamp", .other), ("webhook-signature", .other),
        ("svix-id", .other), ("svix-timestamp", .other), ("svix-signature", .other),
        ("x-retell-signature", .other), ("x-webhook-signature", .other), ("x-webhook-event", .other), ("x-mb-secret", .other),
        ("stripe-signature", .other), ("x-hub-signature-256", .other), ("x-github-event", .other), ("x-github-delivery", .other),
        ("x-slack-signature", .other), ("x-slack-request-timestamp", .other), ("x-shopify-hmac-sha256", .other),
        ("x-shopify-topic", .other),
    ]

    /// A known name found in a head.
    struct Match {
        /// The name's literal, lowercase.
        let name: String
        /// The words of `name`, for `HeaderFields`.
        let words: HeaderName.Words
        let role: Role
    }

    /// A name of 4 to 31 bytes as at most four words that together cover every byte: the words at
    /// 0, 8 and 16 that fit whole, and one ending at the last byte (overlapping the others), so
    /// no byte past the name is read. Comparing these compares the names, given equal lengths.
    private struct Words {
        var first: UInt64 = 0, second: UInt64 = 0, third: UInt64 = 0, last: UInt64 = 0

        init(_ p: UnsafeRawPointer, count n: Int) {
            if n < 8 {  // 4...7: two overlapping 4-byte loads
                first = UInt64(p.loadUnaligned(as: UInt32.self))
                last = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
                return
            }
            first = p.loadUnaligned(as: UInt64.self)
            if n >= 16 { second = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }
            if n >= 24 { third = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self) }
            last = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }

        init(first: UInt64, second: UInt64, third: UInt64, last: UInt64) {
            (self.first, self.second, self.third, self.last) = (first, second, third, last)
        }

        /// Bit 0x20 of each byte that is a letter, the others zero.
        func letterBits() -> Words {
            func bits(_ w: UInt64) -> UInt64 {
                var out: UInt64 = 0
                for shift in stride(from: 0, to: 64, by: 8) {
                    let b = UInt8(truncatingIfNeeded: w >> UInt64(shift))
                    if b >= 0x61 && b <= 0x7A { out |= 0x20 << UInt64(shift) }
                }
                return out
            }
            return Words(first: bits(first), second: bits(second), third: bits(third), last: bits(last))
        }
    }

    private struct Candidate {
        /// The lowercase name's words, and the bits in which another letter case differs.
        let words: Words, letters: Words
        let match: Match

        /// True when `raw` differs from the name only in the case of letters. Every byte of the
        /// name is a tchar and a letter of either case is one, so every byte of `raw` is then a
        /// tchar too. (Only the 0x20 bit of a letter may differ: the same bit of a digit or '-'
        /// would make a control byte, which is no tchar and no match.)
        @inline(__always)
        func matches(_ raw: Words) -> Bool {
            // The last word alone first: it tells apart the names of one length (up to five).
            (raw.last ^ words.last) & ~letters.last == 0
                && ((raw.first ^ words.first) & ~letters.first) | ((raw.second ^ words.second) & ~letters.second)
                    | ((raw.third ^ words.third) & ~letters.third) == 0
        }
    }

    /// `byLength[n]`: the known names of n bytes (at most five share a length).
    private static let byLength: [[Candidate]] = {
        var table = [[Candidate]](repeating: [], count: 32)
        for (name, role) in names {
            let bytes = Array(name.utf8)
            precondition(bytes.count >= 4 && bytes.count < table.count && bytes.allSatisfy { isLowercaseTokenByte($0) })
            let words = bytes.withUnsafeBytes { Words($0.baseAddress!, count: bytes.count) }
            table[bytes.count].append(Candidate(words: words, letters: words.letterBits(),
                                                match: Match(name: name, words: HeaderName.Words(name), role: role)))
        }
        return table
    }()

    /// a-z, 0-9 and '-': the bytes of the known names, all of them tchar with bit 0x20 set.
    private static func isLowercaseTokenByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
    }

    /// The known name `raw` is in some letter case, else nil. Any bytes may be passed: a match
    /// proves them tchar (RFC 9110 §5.6.2).
    @inline(__always)
    static func match(_ raw: UnsafeRawBufferPointer) -> Match? {
        guard raw.count >= 4, raw.count < 32 else { return nil }
        let candidates = byLength[raw.count]
        guard !candidates.isEmpty else { return nil }
        let words = Words(raw.baseAddress!, count: raw.count)
        for candidate in candidates where candidate.matches(words) { return candidate.match }
        return nil
    }
}
