// libFuzzer entry for the HTTP request parser (scripts/fuzz-http.sh builds it with the parser's
// sources and GatewayCore's HeaderFields). Besides "never crash", it checks a differential
// property: the same bytes fed in one piece and in small pieces give the same requests and the
// same error, and no event ever claims more bytes than it was shown.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 2 else { return 0 }
    // The first two bytes pick the limits and the piece size so the fuzzer explores those too.
    let headerLimit = 64 + Int(data[0]) * 16
    let bodyLimit = Int(data[1]) * 8
    let pieceSize = 1 + Int(data[0] % 7)
    let input = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    let limits = HTTPParserLimits(headerLimit: headerLimit, maxHeaders: 8)
    let whole = FuzzDriver.run(input, piece: input.count, bodyLimit: bodyLimit, limits: limits)
    let split = FuzzDriver.run(input, piece: pieceSize, bodyLimit: bodyLimit, limits: limits)
    if whole != split {
        fatalError("split feeding disagrees: whole=\(whole) split=\(split)")
    }
    return 0
}

struct FuzzOutcome: Equatable, CustomStringConvertible {
    var requests: [String] = []
    var error: Int?
    var description: String { "\(requests) error=\(String(describing: error))" }
}

enum FuzzDriver {
    static func run(_ input: [UInt8], piece: Int, bodyLimit: Int, limits: HTTPParserLimits) -> FuzzOutcome {
        var parser = HTTPRequestParser(limits: limits)
        var outcome = FuzzOutcome()
        var pending: [UInt8] = []
        var fed = 0
        var current = ""
        var body: [UInt8] = []
        while true {
            while true {
                // A fresh exact-size allocation each call, so AddressSanitizer sees any read past the end.
                let shown = pending.count
                let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(shown, 1), alignment: 1)
                defer { copy.deallocate() }
                copy.copyBytes(from: pending)
                let (event, used) = parser.parse(UnsafeRawBufferPointer(rebasing: copy[0..<shown]))
                precondition(used >= 0 && used <= shown, "consumed \(used) of \(shown)")
                if case .body(let r) = event {
                    precondition(r.lowerBound >= 0 && r.upperBound <= used, "body range \(r) outside consumed \(used)")
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: copy[r]))
                }
                pending.removeFirst(used)
                switch event {
                case .needMoreData:
                    break
                case .head(let head, let framing):
                    current = "\(head.method) \(head.target) \(head.path) \(head.query.map { "\($0.0)=\($0.1)" }) \(head.version) \(head.headers.fields.map { "\($0.name):\($0.value)" }) \(framing)"
                    body = []
                    if let e = parser.beginBody(limit: bodyLimit) {
                        outcome.error = e.status
                        return outcome
                    }
                    continue
                case .body:
                    continue
                case .end:
                    outcome.requests.append(current + " body=\(body)")
                    continue
                case .failed(let e):
                    outcome.error = e.status
                    return outcome
                }
                break
            }
            if fed >= input.count { return outcome }
            let n = min(piece, input.count - fed)
            pending.append(contentsOf: input[fed..<(fed + n)])
            fed += n
        }
    }
}
