// The MACs a signature header carries, decoded, for comparison with the computed one. The first
// is kept inline: nearly every header holds one, and an array of arrays for it cost two mallocs
// and two frees per verified webhook. Further ones (Svix sends one per active secret while a
// secret is rotated, `v1,sig1 v1,sig2`) go to an array.

struct SignatureCandidates {
    /// One decoded MAC; 64 bytes hold the longest (SHA-512).
    struct MAC {
        private var bytes = InlineArray<64, UInt8>(repeating: 0)
        private var count = 0

        /// `text` decoded with `encoding`; nil when it is not valid in that encoding or does not
        /// decode to exactly `length` bytes.
        init?(decoding text: UnsafeBufferPointer<UInt8>, _ encoding: SignatureEncoding, length: Int) {
            var span = bytes.mutableSpan
            guard let n = span.withUnsafeMutableBufferPointer({ encoding.decode(text, into: $0) }), n == length else { return nil }
            count = n
        }

        func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            bytes.span.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[..<count])) }
        }
    }

    private var first: MAC?
    private var more: [MAC] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ mac: MAC) {
        if first == nil { first = mac } else { more.append(mac) }
        count += 1
    }

    /// True when `matches` holds for the bytes of any candidate.
    func contains(where matches: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        if let first, first.withBytes(matches) { return true }
        return more.contains { $0.withBytes(matches) }
    }
}
