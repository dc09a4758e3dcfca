// The ids made for every webhook, written in place into their strings: their exact shape
// (length, alphabet, the fields kept from the sender's traceparent).

@testable import GatewayRuntime
import GatewayCore
import Testing

@Suite struct RequestIdentityTests {
    static func isLowerHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    @Test func startsAValidTraceWhenNoneOrAnInvalidOneCameIn() {
        for incoming in [nil, "", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"] {
            let trace = TraceContext.traceparent(continuing: incoming)
            let parts = trace.split(separator: "-", omittingEmptySubsequences: false)
            #expect(trace.utf8.count == 55)
            #expect(parts.count == 4 && parts[0] == "00" && parts[3] == "01")
            #expect(parts.count == 4 && parts[1].count == 32 && parts[2].count == 16)
            #expect(parts.dropFirst().allSatisfy(Self.isLowerHex))
            #expect(TraceContext.parse(trace) != nil)
        }
    }

    @Test func keepsTheSendersTraceIDAndFlagsWithANewSpan() {
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
        let trace = TraceContext.traceparent(continuing: incoming)
        #expect(trace.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"))
        #expect(trace.hasSuffix("-00"))
        #expect(trace.utf8.count == 55)
        #expect(trace != incoming)
        #expect(TraceContext.parse(trace) != nil)
    }

    @Test func makesARequestIDUnlessASaneOneCameIn() {
        let made = RequestID.from(HeaderFields())
        #expect(made.hasPrefix("req_") && made.utf8.count == 28)
        #expect(Self.isLowerHex(made.dropFirst(4)))
        #expect(RequestID.from(HeaderFields()) != made)
        #expect(RequestID.from(HeaderFields([("x-request-id", "abc-123")])) == "abc-123")
        #expect(RequestID.from(HeaderFields([("x-request-id", "has space")])).hasPrefix("req_"))
    }
}
