// The JSON parser: RFC 8259 acceptance, every rejection class with its offset, escapes and
// surrogates, the depth limit, and a µs/op figure for the W1 Recall body.

import Foundation
import Glibc
import Testing
@testable import GatewayCore

@Suite struct JSONParserTests {
    static let w1 = #"{"event":"bot.done","data":{"data":{"code":"done","sub_code":null,"updated_at":"2024-11-15T21:12:01.000000Z"},"bot":{"id":"3be05ff8-87cd-4c40-8b54-ee2636abb4f3","metadata":{}}}}"#

    func error(_ text: String) -> JSONParseError? {
        do { _ = try JSON.parse(Array(text.utf8)); return nil } catch { return error }
    }

    @Test func parsesEveryValueKindKeepingNumberTextAndKeyOrder() throws {
        let v = try JSON.parse(#" {"z":1.50,"a":[true,false,null,-0,1e5,2E-3],"s":"x","o":{}} "#)
        let o = try #require(v.objectValue)
        #expect(o.keys == ["z", "a", "s", "o"])
        #expect(v["z"] == .number("1.50"))
        #expect(v["a"] == .array([.bool(true), .bool(false), .null, .number("-0"), .number("1e5"), .number("2E-3")]))
        #expect(v["s"] == .string("x"))
        #expect(v["o"] == .object(JSONObject()))
    }

    @Test func parsesScalarDocumentsAtTopLevel() throws {
        #expect(try JSON.parse("42") == .number("42"))
        #expect(try JSON.parse(#""hi""#) == .string("hi"))
        #expect(try JSON.parse("null") == .null)
        #expect(try JSON.parse("[]") == .array([]))
    }

    @Test func keepsBigIntegersExactly() throws {
        #expect(try JSON.parse("123456789012345678901234567890") == .number("123456789012345678901234567890"))
    }

    @Test func findsEveryStringBoundaryEscapeAndBadByteAtEveryOffset() throws {
        // Strings are scanned eight bytes at a time; whatever ends the plain run must be seen at
        // any position within a word.
        for offset in 0..<20 {
            let pad = String(repeating: "a", count: offset)
            let tail = String(repeating: "z", count: 11)
            #expect(try JSON.parse("\"\(pad)\\n\(tail)\"") == .string(pad + "\n" + tail))
            #expect(try JSON.parse("\"\(pad)é€\(tail)\"") == .string(pad + "é€" + tail))
            #expect(try JSON.parse("[\"\(pad)\",\"\(tail)\"]") == .array([.string(pad), .string(tail)]))
            var control = Array("\"\(pad)x\(tail)\"".utf8)
            control[1 + offset] = 0x01
            #expect(throws: JSONParseError.self) { try JSON.parse(control) }
            var invalid = Array("\"\(pad)x\(tail)\"".utf8)
            invalid[1 + offset] = 0xFF
            #expect(throws: JSONParseError.self) { try JSON.parse(invalid) }
            #expect(throws: JSONParseError.self) { try JSON.parse("\"\(pad)\(tail)") }
        }
    }

    @Test func decodesEveryEscape() throws {
        let v = try JSON.parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac""#)
        #expect(v == .string("\"\\/\u{8}\u{c}\n\r\tAé€"))
    }

    @Test func decodesSurrogatePairsIntoOneScalar() throws {
        #expect(try JSON.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSON.parse(#""a\uD834\uDD1Eb""#) == .string("a𝄞b"))
    }

    @Test func passesRawUTF8Through() throws {
        #expect(try JSON.parse(#"{"name":"José 😀"}"#)["name"] == .string("José 😀"))
    }

    @Test func rejectsEmptyInput() {
        #expect(error("")?.kind == .empty)
        #expect(error("  \n ")?.kind == .empty)
    }

    @Test func rejectsTruncatedDocumentsAsUnexpectedEnd() {
        for text in [#"{"a":"#, "[1,", #""abc"#, "{", #"{"a""#, "tru", #""\u12"#, #""\"#] {
            #expect(error(text)?.kind == .unexpectedEnd, "\(text)")
        }
    }

    @Test func rejectsUnexpectedBytesWithTheirOffset() {
        #expect(error("[1,]") == JSONParseError(.unexpectedByte(UInt8(ascii: "]")), at: 3))
        #expect(error("{a:1}") == JSONParseError(.unexpectedByte(UInt8(ascii: "a")), at: 1))
        #expect(error(#"{"a" 1}"#) == JSONParseError(.unexpectedByte(UInt8(ascii: "1")), at: 5))
        #expect(error("[1 2]") == JSONParseError(.unexpectedByte(UInt8(ascii: "2")), at: 3))
        #expect(error("nul!")?.kind == .unexpectedByte(UInt8(ascii: "!")))
        #expect(error("'x'")?.kind == .unexpectedByte(UInt8(ascii: "'")))
        #expect(error("{\"a\":1,}")?.kind == .unexpectedByte(UInt8(ascii: "}")))
    }

    @Test func rejectsNumbersOutsideTheGrammar() {
        for text in ["01", "-", "1.", ".5", "1e", "1e+", "-x", "+1", "0x10", "1.e3"] {
            let e = error(text)
            #expect(e?.kind == .invalidNumber || e?.kind == .unexpectedByte(UInt8(ascii: "+"))
                    || e?.kind == .unexpectedByte(UInt8(ascii: ".")) || e?.kind == .trailingData, "\(text)")
            #expect(e != nil, "\(text)")
        }
        #expect(error("01")?.kind == .invalidNumber)
        #expect(error("1.")?.kind == .invalidNumber)
        #expect(error("-")?.kind == .invalidNumber)
        #expect(error("1e+")?.kind == .invalidNumber)
    }

    @Test func rejectsBadEscapes() {
        #expect(error(#""\x""#) == JSONParseError(.invalidEscape, at: 2))
        #expect(error(#""\u00G0""#)?.kind == .invalidUnicodeEscape)
    }

    @Test func rejectsUnpairedSurrogates() {
        #expect(error(#""\ud83d""#)?.kind == .invalidUnicodeEscape)
        #expect(error(#""\ud83dx""#)?.kind == .invalidUnicodeEscape)
        #expect(error(#""\ude00""#)?.kind == .invalidUnicodeEscape)
        #expect(error(#""\ud83d\u0041""#)?.kind == .invalidUnicodeEscape)
    }

    @Test func rejectsRawControlCharactersInStrings() {
        #expect(error("\"a\nb\"") == JSONParseError(.controlCharacterInString, at: 2))
        #expect(error("\"\\n\u{1}\"")?.kind == .controlCharacterInString)
    }

    @Test func rejectsMalformedUTF8() throws {
        let cases: [[UInt8]] = [
            [0x22, 0xC0, 0xAF, 0x22],              // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],        // encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE2, 0x82, 0x22],              // truncated sequence
            [0x22, 0x80, 0x22],                    // lone continuation
            [0x22, 0x5C, 0x6E, 0xFF, 0x22],        // after an escape (slow path)
        ]
        for bytes in cases {
            #expect(throws: JSONParseError.self) { try JSON.parse(bytes) }
            do { _ = try JSON.parse(bytes) } catch { #expect(error.kind == .invalidUTF8, "\(bytes)") }
        }
    }

    @Test func rejectsTrailingData() {
        #expect(error("{} {}") == JSONParseError(.trailingData, at: 3))
        #expect(error("1 2")?.kind == .trailingData)
    }

    @Test func enforcesTheDepthLimit() throws {
        let ok = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        #expect(throws: Never.self) { try JSON.parse(ok) }
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        #expect(error(deep)?.kind == .tooDeep(limit: 128))
        // A hostile depth far beyond the limit fails cleanly instead of overflowing the stack.
        let bomb = String(repeating: "{\"a\":", count: 100_000)
        #expect(error(bomb)?.kind == .tooDeep(limit: 128))
        #expect(throws: JSONParseError.self) { try JSON.parse("[[[1]]]", maxDepth: 2) }
    }

    @Test func parsesFromARawBufferToo() throws {
        let bytes = Array(Self.w1.utf8)
        let v = try bytes.withUnsafeBytes { raw throws(JSONParseError) in try JSON.parse(raw) }
        #expect(v["data"]?["bot"]?["id"] == .string("3be05ff8-87cd-4c40-8b54-ee2636abb4f3"))
        #expect(throws: JSONParseError.self) { try UnsafeRawBufferPointer(start: nil, count: 0).withMemoryRebound(to: UInt8.self) { _ in try JSON.parse(UnsafeRawBufferPointer(start: nil, count: 0)) } }
    }

    @Test func agreesWithFoundationOnTheW1Body() throws {
        let ours = try JSON.parse(Self.w1)
        let theirs = try JSONSerialization.jsonObject(with: Data(Self.w1.utf8)) as? [String: Any]
        #expect(ours["event"]?.stringValue == theirs?["event"] as? String)
        #expect(ours.serialized() == Array(Self.w1.utf8))
    }

    /// The benchmark's W1 body (../shared/bench/gen_pool.py), 215 bytes.
    static let benchW1 = #"{"event":"bot.in_call_recording","data":{"data":{"code":"in_call_recording","sub_code":null,"updated_at":"2026-11-26T13:01:12.000000+00:00"},"bot":{"id":"d3fcc92a-aded-4977-b287-2808ba51bdd9","metadata":{"customer":"acme"}}}}"#

    @Test func measuresParseOfTheW1Body() throws {
        let bytes = Array(Self.benchW1.utf8)
        // Debug builds (the CI suite) only prove the loop runs; read the release figure.
        #if DEBUG
        let n = 2_000
        #else
        let n = 20_000
        #endif
        var sink = 0
        let start = threadCPUTime()
        for _ in 0..<n {
            if case .object(let o) = try JSON.parse(bytes) { sink &+= o.members.count }
        }
        let ours = (threadCPUTime() - start) / n
        let data = Data(bytes)
        let fstart = threadCPUTime()
        for _ in 0..<(n / 4) {
            if let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] { sink &+= o.count }
        }
        let foundation = (threadCPUTime() - fstart) / (n / 4)
        print("JSON.parse W1 (\(bytes.count) B): \(ours) CPU per op; JSONSerialization: \(foundation) CPU per op")
        #expect(sink > 0)
    }
}

/// CPU time of the calling thread: on a shared 2-core machine wall time mostly measures the
/// neighbours, while this counts only the loop's own work.
private func threadCPUTime() -> Duration {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
}
