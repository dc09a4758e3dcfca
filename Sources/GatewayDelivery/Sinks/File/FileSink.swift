// `file` sink: appends each event's CloudEvents envelope as one JSON line, rotating by size and/or
// time. Durable by group commit: concurrent deliveries queue their lines, one caller writes the
// whole batch and fdatasyncs once, and only then does any of them report `delivered`.

import GatewayCore
public import GatewayStore
import Foundation

/// Why `@unchecked Sendable` is safe: every mutable stored property (`queue`, `writing`, `closed`)
/// is only touched while `condition` is locked, and `file`, `writingBatch` and `envelopes` are only
/// used by the single thread that set `writing` (the batch leader), which is exclusive by construction.
public final class FileSink: Sink, @unchecked Sendable {
    public let name: String
    public let path: String
    public let rotation: FileRotation

    private final class Slot {
        var result: DeliveryOutcome?
    }

    /// One caller's events waiting for the batch leader; framed as lines only when written (one
    /// copy). `slot` receives the outcome of a caller that waits; the leader's own events need none.
    private struct Waiting {
        let events: [StoredEvent]
        let slot: Slot?
    }

    private let condition = NSCondition()
    private var queue: [Waiting] = []
    /// What the leader is writing: swapped with `queue`, and the envelopes gathered from it. Both
    /// keep their capacity, so a steady stream of batches allocates nothing here.
    private var writingBatch: [Waiting] = []
    private var envelopes: [[UInt8]] = []
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
        condition.lock()
        defer { condition.unlock() }
        guard writing else {
            // Nobody is writing: lead at once, with no slot to wait on (the usual case with one
            // delivery worker).
            queue.append(Waiting(events: events, slot: nil))
            return Array(repeating: writeQueued(), count: events.count)
        }
        let slot = Slot()
        queue.append(Waiting(events: events, slot: slot))
        while slot.result == nil {
            if writing {
                condition.wait()
            } else {
                writeQueued()
            }
        }
        return Array(repeating: slot.result!, count: events.count)
    }

    /// Becomes the leader for everything queued so far, including events of callers that are still
    /// waiting: they wake up to a result instead of writing themselves. Called with the lock held
    /// and no write in progress; the lock is released while writing.
    @discardableResult
    private func writeQueued() -> DeliveryOutcome {
        writing = true
        swap(&queue, &writingBatch)
        let isClosed = closed
        condition.unlock()
        let outcome: DeliveryOutcome
        if isClosed {
            outcome = .retry(reason: "file sink is closed", after: nil)
        } else {
            for waiting in writingBatch {
                for event in waiting.events { envelopes.append(event.envelope) }
            }
            outcome = file.append(envelopes)
            envelopes.removeAll(keepingCapacity: true)
        }
        condition.lock()
        for waiting in writingBatch { waiting.slot?.result = outcome }
        writingBatch.removeAll(keepingCapacity: true)
        writing = false
        condition.broadcast()
        return outcome
    }

    public func open() throws(SinkOpenError) {
        condition.lock()
        defer { condition.unlock() }
        // The file belongs to the batch leader while it writes.
        while writing { condition.wait() }
        do throws(FileSinkError) {
            try file.openIfClosed()
        } catch {
            throw SinkOpenError(error.description)
        }
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
