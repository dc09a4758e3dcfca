// JSON Lines framing shared by the `file` and `stdout` sinks: one envelope per line.

enum JSONLines {
    /// `json` plus a newline. Raw CR/LF bytes can only be insignificant whitespace in valid JSON
    /// (inside strings they must be escaped), so turning them into spaces keeps the document
    /// equal while guaranteeing one line.
    static func line(_ json: [UInt8]) -> [UInt8] {
        var out = json
        for i in out.indices where out[i] == 0x0A || out[i] == 0x0D { out[i] = 0x20 }
        out.append(0x0A)
        return out
    }
}
