// `file` sink: appends each event's CloudEvents envelope as one JSON line, rotating by size and/or
// time. Durable by group commit: concurrent deliveries queue their lines, one caller writes the
// whole batch and fdatasyncs once, and only then does any of them report `delivered`.

import GatewayCore
public import GatewayStore
import Foundation

/// Why `@unchecked Sendable` is safe: every mutable stored property (`queue`, `writing`, `closed`)
/// is only touched while `condition` is locked, and `file` is only used by the single thread
/// that set `writing` (the batch leader), which is exclusive by construction.
public final class FileSink: Sink, @unchecked Sendable {
    public let name: String
    public let path: String
    public let rotation: FileRotation

    private final class Slot {
        var result: DeliveryOutcome?
    }

    private let condition = NSCondition()
    /// Envelopes waiting for the batch leader; framed as lines only when written (one copy).
    private var queue: [(envelopes: [[UInt8]], slot: Slot)] = []
    private var writing = false
    private var closed = false
    private let file: RotatingFile

    /// `fsync: false` writes without fdatasync: lines survive a process crash (the kernel has
    /// them) but not a power cut, which the journal covers.
    public init(name: String, path: String, rotation: FileRotation = FileRotation(), fsync: Bool = true,
                clock: any DeliveryClock = SystemClock()) {
        self.name = name
        self.path = path
        self.rotation = rotation
        file = RotatingFile(path: path, rotation: rotation, clock: clock, sync: fsync)
    }

    /// Up to this many lines go into one write (and, with `fsync`, one fdatasync).
    public var batchLimit: Int { 256 }

    public func deliver(_ event: StoredEvent) -> DeliveryOutcome {
        deliver(batch: [event])[0]
    }

    public func deliver(batch events: [StoredEvent]) -> [DeliveryOutcome] {
        let slot = Slot()
        let envelopes = events.map(\.envelope)
        condition.lock()
        defer { condition.unlock() }
        queue.append((envelopes, slot))
        while slot.result == nil {
            if writing {
                condition.wait()
                continue
            }
            // Become the leader for everything queued so far, including lines of callers that
            // are still waiting: they wake up to a result instead of writing themselves.
            writing = true
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let isClosed = closed
            condition.unlock()
            let outcome: DeliveryOutcome
            if isClosed {
                outcome = .retry(reason: "file sink is closed", after: nil)
            } else {
                outcome = file.append(batch.flatMap(\.envelopes))
            }
            condition.lock()
            for item in batch { item.slot.result = outcome }
            writing = false
            condition.broadcast()
        }
        return Array(repeating: slot.result!, count: events.count)
    }

    public func close() {
        condition.lock()
        closed = true
        while writing { condition.wait() }
        condition.unlock()
        file.close()
    }

    /// The rotated files next to `path`, oldest first (tests and operators).
    public func rotatedFiles() -> [String] { file.rotatedFiles() }
}
