// libyaml's parse events, copied into Swift values so nothing past `YAMLParser` touches C memory.

struct YAMLEvent {
    enum ScalarStyle {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    enum Kind {
        case streamStart
        case streamEnd
        case documentStart
        case documentEnd
        case alias(anchor: String)
        case scalar(String, anchor: String?, tag: String?, style: ScalarStyle)
        case sequenceStart(anchor: String?, tag: String?)
        case sequenceEnd
        case mappingStart(anchor: String?, tag: String?)
        case mappingEnd
    }

    var kind: Kind
    /// 1-based, from libyaml's 0-based start mark.
    var line: Int
    var column: Int
}
