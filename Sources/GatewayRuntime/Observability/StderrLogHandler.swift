// Log records as one JSON object per line (or a human-readable line) on stderr. One `write(2)`
// per record under a lock, so lines from different threads never interleave.

import GatewayCore
import Synchronization

enum LogFormat: String, Sendable {
    case json, text
}

final class StderrLogHandler: LogHandler {
    private let format: LogFormat
    private let stream: FileStream.Stream
    private let lock = Mutex<Void>(())

    init(format: LogFormat, fd: Int32 = 2) {
        self.format = format
        stream = FileStream.Stream(fd: fd)
    }

    func write(_ record: LogRecord) {
        let line = format == .json ? Self.json(record) : Self.text(record)
        lock.withLock { _ in stream.write(bytes: line) }
    }

    static func json(_ r: LogRecord) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.member("time", r.time.rfc3339(fractionDigits: 6))
        w.member("level", r.level.name)
        w.member("message", r.message)
        for (k, v) in r.fields where !["time", "level", "message"].contains(k) { w.member(escaping: k, v) }
        w.endObject()
        var bytes = w.bytes
        bytes.append(0x0A)
        return bytes
    }

    static func text(_ r: LogRecord) -> [UInt8] {
        var s = "\(r.time.rfc3339()) \(r.level.name.uppercased().padding(to: 7))\(r.message)"
        for (k, v) in r.fields {
            let quoted = v.contains(" ") || v.isEmpty ? "\"\(v)\"" : v
            s += " \(k)=\(quoted)"
        }
        s += "\n"
        return Array(s.utf8)
    }
}
