// The shape of a signature header, or of one item of it, written with placeholders:
// `v1,{signature}`, `v={timestamp},d={signature}`, `t={timestamp}`, `sha256={signature}`.
// Compiled once at load into literal and placeholder pieces; matching is a single left-to-right
// pass over the header bytes in which each placeholder extends up to the next literal.

struct TextPattern: Sendable {
    enum Field: String, Sendable, CaseIterable { case signature, timestamp }

    enum Piece: Sendable, Equatable {
        case literal([UInt8])
        case field(Field)
    }

    struct Captures {
        var signature: Range<Int>?
        var timestamp: Range<Int>?
    }

    let pieces: [Piece]
    /// The pattern as written, for messages (it is configuration, never a secret).
    let text: String

    /// Compiles `text`, whose placeholders must come from `allowed`, each at most once, and whose
    /// adjacent placeholders must be separated by literal text (or matching would be ambiguous).
    static func compile(_ text: String, allowed: [Field]) -> Result<TextPattern, PatternError> {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var seen: [Field] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "}") { return .failure(PatternError("unmatched '}' in '\(text)'")) }
            guard b == UInt8(ascii: "{") else { literal.append(b); i += 1; continue }
            guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")) else {
                return .failure(PatternError("unclosed '{' in '\(text)'"))
            }
            let name = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
            guard let field = Field(rawValue: name), allowed.contains(field) else {
                let names = allowed.map { "{\($0.rawValue)}" }.joined(separator: ", ")
                return .failure(PatternError("unknown placeholder {\(name)} in '\(text)'; allowed here: \(names)"))
            }
            guard !seen.contains(field) else {
                return .failure(PatternError("placeholder {\(name)} appears twice in '\(text)'"))
            }
            if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
            if case .field = pieces.last {
                return .failure(PatternError("placeholders in '\(text)' must be separated by literal text"))
            }
            seen.append(field)
            pieces.append(.field(field))
            i = close + 1
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return .success(TextPattern(pieces: pieces, text: text))
    }

    func contains(_ field: Field) -> Bool { pieces.contains(.field(field)) }

    /// Literal bytes of the pattern (to check they cannot collide with a separator).
    var literalBytes: [[UInt8]] {
        pieces.compactMap { if case .literal(let l) = $0 { l } else { nil } }
    }

    /// Matches the whole of `bytes[range]`, returning where each placeholder's text lies.
    func match(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Captures? {
        var captures = Captures()
        var position = range.lowerBound
        var index = 0
        while index < pieces.count {
            switch pieces[index] {
            case .literal(let literal):
                guard position + literal.count <= range.upperBound,
                      bytes[position..<(position + literal.count)].elementsEqual(literal) else { return nil }
                position += literal.count
            case .field(let field):
                // Up to the next literal's first occurrence, or to the end.
                var end = range.upperBound
                if index + 1 < pieces.count, case .literal(let next) = pieces[index + 1] {
                    guard let found = Self.find(next, in: bytes, position..<range.upperBound) else { return nil }
                    end = found
                }
                switch field {
                case .signature: captures.signature = position..<end
                case .timestamp: captures.timestamp = position..<end
                }
                position = end
            }
            index += 1
        }
        return position == range.upperBound ? captures : nil
    }

    /// The pattern with its placeholders filled (for `sign`).
    func render(signature: String = "", timestamp: String = "") -> String {
        var out: [UInt8] = []
        for piece in pieces {
            switch piece {
            case .literal(let l): out += l
            case .field(.signature): out += Array(signature.utf8)
            case .field(.timestamp): out += Array(timestamp.utf8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !needle.isEmpty, range.count >= needle.count else { return nil }
        var i = range.lowerBound
        let last = range.upperBound - needle.count
        while i <= last {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

struct PatternError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
