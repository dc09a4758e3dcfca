// JSON Lines framing shared by the `file` and `stdout` sinks: one envelope per line.

#if canImport(Glibc)
import Glibc
#endif

enum JSONLines {
    /// `json` plus a newline.
    static func line(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        append(json, to: &out)
        return out
    }

    /// Appends `json` plus a newline to `out`, the envelope's one copy on its way to a file. Raw
    /// CR/LF bytes can only be insignificant whitespace in valid JSON (inside strings they must
    /// be escaped), so turning them into spaces keeps the document equal while guaranteeing one
    /// line. Envelopes rarely hold any (only a pretty-printed vendor body spliced as `data.raw`),
    /// so memchr looks first and the byte loop runs only when needed.
    static func append(_ json: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: json)
        let needsRewrite = json.withUnsafeBytes { b in
            b.count > 0 && (memchr(b.baseAddress!, 0x0A, b.count) != nil || memchr(b.baseAddress!, 0x0D, b.count) != nil)
        }
        if needsRewrite {
            for i in start..<out.count where out[i] == 0x0A || out[i] == 0x0D { out[i] = 0x20 }
        }
        out.append(0x0A)
    }
}
