// W3C Trace Context for one ingested webhook: continue the sender's trace when it sent a valid
// `traceparent` (the gateway is a new span in it), otherwise start a trace. The result travels
// with the event to every sink request and into the CloudEvents `traceparent` extension.

import GatewayCore
import GatewayCrypto

enum TraceContext {
    /// A `traceparent` for this hop: `00-<trace id>-<new span id>-<flags>`.
    /// Written in place into one 55-byte string (interpolating hex-encoded parts cost about five
    /// allocations per webhook), byte by byte: its separators through `String.utf8` cost ~60
    /// instructions a byte, and one draw from the random pool serves both ids (one lock).
    static func traceparent(continuing incoming: String?) -> String {
        let continued = incoming.flatMap(parse)
        return String(unsafeUninitializedCapacity: 55) { out in
            withUnsafeTemporaryAllocation(byteCount: 24, alignment: 1) { random in
                let trace = UnsafeMutableRawBufferPointer(rebasing: random[0..<16])
                let span = UnsafeMutableRawBufferPointer(rebasing: random[16..<24])
                // All-zero ids are invalid (W3C Trace Context): draw again, odds 2^-64.
                repeat { RandomPool.fill(random) } while isZero(span) || (continued == nil && isZero(trace))
                out[0] = UInt8(ascii: "0"); out[1] = UInt8(ascii: "0"); out[2] = UInt8(ascii: "-")
                if let continued {
                    put(continued.trace, to: out, at: 3)
                } else {
                    _ = Hex.write(UnsafeRawBufferPointer(trace), to: UnsafeMutableBufferPointer(rebasing: out[3..<35]))
                }
                out[35] = UInt8(ascii: "-")
                _ = Hex.write(UnsafeRawBufferPointer(span), to: UnsafeMutableBufferPointer(rebasing: out[36..<52]))
                out[52] = UInt8(ascii: "-")
                if let continued {
                    put(continued.flags, to: out, at: 53)
                } else {
                    out[53] = UInt8(ascii: "0"); out[54] = UInt8(ascii: "1")
                }
            }
            return 55
        }
    }

    private static func isZero(_ bytes: UnsafeMutableRawBufferPointer) -> Bool { !bytes.contains { $0 != 0 } }

    /// `text` (validated by `parse`: ASCII of the field's exact length) into `out` from `offset`.
    private static func put(_ text: String, to out: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        text.withUTF8Bytes { bytes in
            for (i, b) in bytes.enumerated() { out[offset + i] = b }
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
}
