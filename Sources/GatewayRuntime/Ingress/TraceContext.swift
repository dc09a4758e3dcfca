// W3C Trace Context for one ingested webhook: continue the sender's trace when it sent a valid
// `traceparent` (the gateway is a new span in it), otherwise start a trace. The result travels
// with the event to every sink request and into the CloudEvents `traceparent` extension.

import GatewayCrypto

enum TraceContext {
    /// A `traceparent` for this hop: `00-<trace id>-<new span id>-<flags>`.
    /// Written in place into one 55-byte string: interpolating hex-encoded parts cost about five
    /// allocations per webhook.
    static func traceparent(continuing incoming: String?) -> String {
        let continued = incoming.flatMap(parse)
        return String(unsafeUninitializedCapacity: 55) { out in
            var i = 0
            func put(_ text: String) {
                for b in text.utf8 { out[i] = b; i += 1 }
            }
            func putRandom(_ count: Int) {
                i += withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { bytes in
                    nonZeroRandom(bytes)
                    return Hex.write(UnsafeRawBufferPointer(bytes), to: UnsafeMutableBufferPointer(rebasing: out[i...]))
                }
            }
            put("00-")
            if let continued { put(continued.trace) } else { putRandom(16) }
            put("-")
            putRandom(8)
            put("-")
            put(continued?.flags ?? "01")
            return i
        }
    }

    /// The trace id and flags of a valid version-00 header (all-zero ids are invalid per the spec).
    static func parse(_ header: String) -> (trace: String, flags: String)? {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
              parts.dropFirst().allSatisfy({ $0.utf8.allSatisfy(isLowerHex) }),
              parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" }) else { return nil }
        return (String(parts[1]), String(parts[3]))
    }

    private static func isLowerHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) }

    private static func nonZeroRandom(_ bytes: UnsafeMutableRawBufferPointer) {
        repeat { RandomPool.fill(bytes) } while !bytes.contains(where: { $0 != 0 })
    }
}
