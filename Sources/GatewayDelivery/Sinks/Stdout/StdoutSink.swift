// `stdout` sink: one line per event, for development and for log pipelines that scrape stdout.
// `text` is for people (`time type session provider id`), `json` is the CloudEvents envelope.

public import GatewayStore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public struct StdoutSink: Sink {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public let name: String
    public let format: Format
    private let output: @Sendable ([UInt8]) -> Bool

    /// `output` receives one or more whole lines (newlines included) and returns false when it could not write
    /// them; tests capture it, the default writes to file descriptor 1.
    public init(name: String, format: Format, output: @escaping @Sendable ([UInt8]) -> Bool = StdoutSink.standardOutput) {
        self.name = name
        self.format = format
        self.output = output
    }

    /// Up to this many lines go into one write.
    public var batchLimit: Int { 256 }

    public func deliver(_ event: StoredEvent) -> DeliveryOutcome {
        deliver(batch: [event])[0]
    }

    public func deliver(batch events: [StoredEvent]) -> [DeliveryOutcome] {
        var lines: [UInt8] = []
        for event in events { lines.append(contentsOf: Self.line(for: event, format: format)) }
        let outcome: DeliveryOutcome = output(lines) ? .delivered(status: nil) : .retry(reason: "writing to stdout failed", after: nil)
        return Array(repeating: outcome, count: events.count)
    }

    public static func line(for event: StoredEvent, format: Format) -> [UInt8] {
        switch format {
        case .json:
            return JSONLines.line(event.envelope)
        case .text:
            let time = (event.occurredAt ?? event.receivedAt).rfc3339()
            let fields = [time, event.type, event.sessionID ?? "-", event.provider, event.id]
            var out: [UInt8] = []
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(0x20) }
                // Session ids and types come from vendor payloads: keep terminal escapes out.
                out.append(contentsOf: f.utf8.map { $0 < 0x20 || $0 == 0x7F ? 0x3F : $0 })
            }
            out.append(0x0A)
            return out
        }
    }

    /// Lines from several workers must not interleave: one lock around whole-line writes.
    private static let lock = Mutex(())

    public static let standardOutput: @Sendable ([UInt8]) -> Bool = { line in
        lock.withLock { _ in
            line.withUnsafeBytes { buf -> Bool in
                var done = 0
                while done < buf.count {
                    let n = write(1, buf.baseAddress! + done, buf.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    done += n
                }
                return true
            }
        }
    }
}
