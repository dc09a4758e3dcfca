// Runs the request parser the way a connection does: bytes arrive in pieces, unconsumed bytes are
// presented again with the next piece, and each head gets a body limit. Lets every parser test
// compare one-shot, byte-by-byte and random-split feeding.

@testable import GatewayHTTP
import GatewayCore

struct ParsedRequest: Equatable {
    var method: String
    var target: String
    var path: String
    var query: [String]
    var version: HTTPVersion
    var headers: [String]
    var body: [UInt8]
    var framing: HTTPRequestFraming
}

struct ParseOutcome: Equatable {
    var requests: [ParsedRequest] = []
    /// Status of the error that stopped parsing, if any.
    var errorStatus: Int?
    /// Body bytes that had been handed out when a 413 was decided (0 = decided from the head).
    var bodyBytesBeforeError = 0
}

enum ParserDriver {
    static func run(_ input: [UInt8], pieces: [Int], bodyLimit: Int = 1 << 20,
                    limits: HTTPParserLimits = HTTPParserLimits(headerLimit: 4096, maxHeaders: 20)) -> ParseOutcome {
        var parser = HTTPRequestParser(limits: limits)
        var outcome = ParseOutcome()
        var buffer: [UInt8] = []
        var offset = 0
        var current: ParsedRequest?
        var bodySoFar = 0
        var fed = 0
        var pieceIndex = 0
        while true {
            // Drain what can be parsed from the bytes at hand.
            while true {
                let (event, used) = buffer.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                let start = offset
                offset += used
                switch event {
                case .needMoreData:
                    break
                case .head(let head, let framing):
                    current = ParsedRequest(
                        method: head.method, target: head.target, path: head.path,
                        query: head.query.map { "\($0.0)=\($0.1)" }, version: head.version,
                        headers: head.headers.fields.map { "\($0.name): \($0.value)" }, body: [], framing: framing)
                    bodySoFar = 0
                    if let e = parser.beginBody(limit: bodyLimit) {
                        outcome.errorStatus = e.status
                        return outcome
                    }
                    continue
                case .body(let r):
                    current?.body.append(contentsOf: buffer[(start + r.lowerBound)..<(start + r.upperBound)])
                    bodySoFar += r.count
                    continue
                case .end:
                    outcome.requests.append(current!)
                    current = nil
                    continue
                case .failed(let e):
                    outcome.errorStatus = e.status
                    outcome.bodyBytesBeforeError = bodySoFar
                    return outcome
                }
                break
            }
            if fed >= input.count { return outcome }
            let n = min(pieces.isEmpty ? input.count : pieces[pieceIndex % pieces.count], input.count - fed)
            pieceIndex += 1
            buffer.append(contentsOf: input[fed..<(fed + n)])
            fed += n
        }
    }

    /// Pieces of random sizes 1...max from a fixed seed, so failures reproduce.
    static func randomPieces(seed: UInt64, max: Int = 17) -> [Int] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<64).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max)) + 1
        }
    }

    /// The outcome of feeding `input` whole, after checking byte-by-byte and 25 random splits agree.
    static func consistent(_ input: [UInt8], bodyLimit: Int = 1 << 20,
                           limits: HTTPParserLimits = HTTPParserLimits(headerLimit: 4096, maxHeaders: 20)) -> (ParseOutcome, Bool) {
        let whole = run(input, pieces: [], bodyLimit: bodyLimit, limits: limits)
        var same = run(input, pieces: [1], bodyLimit: bodyLimit, limits: limits).withoutProgress == whole.withoutProgress
        for seed in 0..<25 where same {
            same = run(input, pieces: randomPieces(seed: UInt64(seed)), bodyLimit: bodyLimit, limits: limits).withoutProgress == whole.withoutProgress
        }
        return (whole, same)
    }
}

extension ParseOutcome {
    /// Equality ignoring how far a body had got before an error (that depends on the split).
    var withoutProgress: ParseOutcome {
        var o = self
        o.bodyBytesBeforeError = 0
        return o
    }
}

/// The bytes of `s` (test requests are written as literals with explicit `\r\n`).
func requestBytes(_ s: String) -> [UInt8] { Array(s.utf8) }
