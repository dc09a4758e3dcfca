// Shared helpers for the store tests: throwaway directories, a log handler that records what the
// store reported, and a blocking append for tests that need the position back.

import Dispatch
import Foundation
import GatewayCore
@testable import GatewayStore
import Synchronization

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/gateway-store-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template.map { UInt8(bitPattern: $0) } + [])
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Keeps every record so tests can check what was logged (corruption reports, evictions).
final class RecordingLogHandler: LogHandler {
    let records = Mutex<[LogRecord]>([])
    func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
    var messages: [String] { records.withLock { $0.map(\.message) } }
    func fields(of message: String) -> [[String: String]] {
        records.withLock { rs in
            rs.filter { $0.message == message }.map { Dictionary($0.fields, uniquingKeysWith: { a, _ in a }) }
        }
    }
}

func recordingLogger() -> (Logger, RecordingLogHandler) {
    let h = RecordingLogHandler()
    return (Logger(level: .debug, handler: h), h)
}

extension Journal {
    /// Appends and waits for the completion.
    func appendAndWait(_ payload: [UInt8], event: StoredEvent? = nil) -> Result<JournalPosition, StoreError> {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Result<JournalPosition, StoreError>?>(nil)
        append(payload, event: event) { r in
            box.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        return box.withLock { $0! }
    }
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// The dedupe index over `dir`, caught up from the journal there (empty unless the test appended
/// to it). The journal is closed again at once: the index reads it only while opening.
func openIndex(_ dir: TemporaryDirectory, window: Double = 72 * 3600, maxEntries: Int = 1_000_000, logger: Logger,
               now: Timestamp) throws -> DedupeIndex {
    let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never), logger: .silent)
    defer { journal.close() }
    return try DedupeIndex(directory: dir.path, journal: journal, window: window, maxEntries: maxEntries, logger: logger, now: now)
}
