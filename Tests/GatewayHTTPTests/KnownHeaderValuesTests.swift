// The known-value table: exact byte matches only, since header values keep their case.

import Testing
@testable import GatewayHTTP

@Suite struct KnownHeaderValuesTests {
    func match(_ s: String) -> String? {
        Array(s.utf8).withUnsafeBytes { KnownHeaderValues.match($0) }
    }

    @Test func findsEachKnownValueExactly() {
        for value in ["application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded"] {
            #expect(match(value) == value)
            #expect(match(value.uppercased()) == nil)
            #expect(match(String(value.dropLast()) + "X") == nil)
            #expect(match("X" + value.dropFirst()) == nil)
        }
        #expect(match("") == nil)
        #expect(match("text/plain") == nil)
    }
}
