// Header field names: tchar (RFC 9110 §5.6.2) pinned against the grammar for every byte, and each
// malformed name refused with its own reason (the reason is sent in the 400 body).

import Testing
@testable import GatewayHTTP

@Suite struct HeaderFieldNameTests {
    @Test func isTokenCharAgreesWithTheGrammarForEveryByte() {
        let symbols = Set("!#$%&'*+-.^_`|~".utf8)
        for b in 0...255 {
            let byte = UInt8(b)
            let expected = (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || symbols.contains(byte)
            #expect(HTTPHeadDecoder.isTokenChar(byte) == expected, "byte \(b)")
        }
    }

    func refusal(_ field: String) -> String? {
        Array("GET / HTTP/1.1\r\nHost: h\r\n\(field)\r\n\r\n".utf8).withUnsafeBytes { bytes in
            do throws(HTTPParseError) {
                _ = try HTTPHeadDecoder.decode(bytes)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    @Test func refusesMalformedNamesWithTheirReasons() {
        #expect(refusal("X-Ok: v") == nil)
        #expect(refusal("X-Ok:") == nil)
        #expect(refusal("Bad Name: v") == "400 malformed header field name")
        #expect(refusal("Bad : v") == "400 malformed header field name")
        #expect(refusal(" folded: v") == "400 malformed header field name")
        #expect(refusal("Bad\u{7F}: v") == "400 malformed header field name")
        #expect(refusal("Bad\u{E9}: v") == "400 malformed header field name")
        #expect(refusal("NoColon") == "400 malformed header field")
        #expect(refusal(": v") == "400 malformed header field")
    }
}
