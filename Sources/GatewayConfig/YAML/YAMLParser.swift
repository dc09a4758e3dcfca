// The only code that touches libyaml: owns one `yaml_parser_t` over an input buffer and turns
// its event stream into `YAMLEvent` values, and its error state into a located `ConfigError`.

import CYAML
import GatewayCore

final class YAMLParser {
    private let file: String
    // Heap-allocated, never moved: `yaml_parser_set_input_string` stores the parser's own address
    // as its read handler's data, and libyaml reads `input` lazily until the last event.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>

    init(bytes: [UInt8], file: String) throws(ConfigErrors) {
        self.file = file
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            input.deallocate()
            throw ConfigErrors([ConfigError("cannot initialise the YAML parser (out of memory)",
                                            at: SourceLocation(file: file, line: 0, column: 0))])
        }
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event, or the syntax error that stopped libyaml.
    func next() throws(ConfigErrors) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw ConfigErrors([syntaxError()]) }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        let kind: YAMLEvent.Kind
        switch event.type {
        case YAML_STREAM_START_EVENT: kind = .streamStart
        case YAML_STREAM_END_EVENT: kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_ALIAS_EVENT:
            kind = .alias(anchor: Self.string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
            kind = .scalar(text, anchor: Self.string(s.anchor), tag: Self.string(s.tag), style: Self.style(s.style))
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            kind = .sequenceStart(anchor: Self.string(s.anchor), tag: Self.string(s.tag))
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            kind = .mappingStart(anchor: Self.string(m.anchor), tag: Self.string(m.tag))
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default:
            // YAML_NO_EVENT is only produced after an error, which the guard above already caught.
            throw ConfigErrors([ConfigError("YAML parser produced no event", at: SourceLocation(file: file, line: line, column: column))])
        }
        return YAMLEvent(kind: kind, line: line, column: column)
    }

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    private static func style(_ s: yaml_scalar_style_t) -> YAMLEvent.ScalarStyle {
        switch s {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    /// libyaml's problem text at its problem mark, plus the construct it was inside when known
    /// ("while parsing a block mapping started at 3:1").
    private func syntaxError() -> ConfigError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown problem"
        switch p.error {
        case YAML_MEMORY_ERROR:
            return ConfigError("YAML parser ran out of memory", at: SourceLocation(file: file, line: 0, column: 0))
        case YAML_READER_ERROR:
            // Reader errors (bad encoding) carry a byte offset rather than a mark.
            let (line, column) = position(ofByte: Int(p.problem_offset))
            return ConfigError("invalid YAML input: \(problem)", at: SourceLocation(file: file, line: line, column: column))
        default:
            var message = "YAML syntax error: \(problem)"
            if let context = p.context.map({ String(cString: $0) }) {
                message += " (\(context) started at \(p.context_mark.line + 1):\(p.context_mark.column + 1))"
                // `{` ends a plain scalar inside [ ] and { }: the usual cause of this error in a
                // configuration file is an unquoted secret reference in a flow list.
                if context.contains("flow"), lineText(Int(p.problem_mark.line)).contains("${") {
                    message += "; quote secret references inside [ ] or { }: \"${env:NAME}\""
                }
            }
            return ConfigError(message, at: SourceLocation(
                file: file, line: Int(p.problem_mark.line) + 1, column: Int(p.problem_mark.column) + 1))
        }
    }

    /// The text of a 0-based line of the input.
    private func lineText(_ line: Int) -> String {
        var current = 0
        var bytes: [UInt8] = []
        for byte in input {
            if byte == 0x0A {
                if current == line { break }
                current += 1
            } else if current == line {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 1-based line and column (in characters) of a byte offset in the input.
    private func position(ofByte offset: Int) -> (Int, Int) {
        var line = 1, column = 1
        for byte in input.prefix(min(offset, input.count)) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
