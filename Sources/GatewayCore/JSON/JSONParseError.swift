// Why a JSON document was rejected, and at which byte. The offset lets a log line point at the
// exact spot in a vendor's body without echoing the body itself.

public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input has no bytes (or only whitespace).
        case empty
        /// The input stopped inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue the value being read.
        case unexpectedByte(UInt8)
        /// A number that breaks RFC 8259 §6 (leading zero, lone `-`, missing digits after `.`/`e`).
        case invalidNumber
        /// A backslash escape outside RFC 8259 §7's set.
        case invalidEscape
        /// A `\u` escape with bad hex digits or an unpaired UTF-16 surrogate.
        case invalidUnicodeEscape
        /// Bytes that are not well-formed UTF-8 (RFC 3629): overlong, surrogate, truncated, > U+10FFFF.
        case invalidUTF8
        /// An unescaped control character (U+0000–U+001F) inside a string.
        case controlCharacterInString
        /// Nesting deeper than the parser's limit.
        case tooDeep(limit: Int)
        /// Non-whitespace after the top-level value.
        case trailingData
        /// A document longer than the parser's offsets can address (`JSON.maxDocumentBytes`).
        case tooLarge(limit: Int)
    }

    public var kind: Kind
    /// Zero-based byte offset where the problem was detected.
    public var offset: Int

    public init(_ kind: Kind, at offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch kind {
        case .empty: what = "empty document"
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedByte(let b):
            what = (b >= 0x20 && b < 0x7F)
                ? "unexpected character '\(Character(Unicode.Scalar(b)))'"
                : "unexpected byte 0x\(String(b, radix: 16, uppercase: true))"
        case .invalidNumber: what = "invalid number"
        case .invalidEscape: what = "invalid escape sequence"
        case .invalidUnicodeEscape: what = "invalid \\u escape (bad hex or unpaired surrogate)"
        case .invalidUTF8: what = "invalid UTF-8"
        case .controlCharacterInString: what = "unescaped control character in string"
        case .tooDeep(let limit): what = "nesting deeper than \(limit) levels"
        case .trailingData: what = "data after the JSON value"
        case .tooLarge(let limit): what = "document longer than \(limit) bytes"
        }
        return "JSON: \(what) at byte \(offset)"
    }
}
