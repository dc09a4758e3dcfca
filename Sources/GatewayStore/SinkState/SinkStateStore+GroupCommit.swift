// SinkStateStore's write path: group commit. Concurrent `update` calls (a sink's delivery
// workers) queue their changes; one of them, the leader, writes every queued caller's frame with
// one pwrite and one fdatasync, then answers them all.

import Dispatch
import Synchronization

extension SinkStateStore {
    /// Applies `changes` in order and makes them durable before returning (written but not synced
    /// when the store was opened with `syncsUpdates: false`). Returns the changes as
    /// stored (dead letters carrying their assigned sequence). On failure none of `changes` is
    /// applied and the log is rolled back to its previous length (if that truncate fails too, the
    /// next update truncates first and fails if it still cannot, so the failed change is never
    /// replayed).
    ///
    /// Group commit: concurrent callers (a sink's delivery workers) share one write and one
    /// fdatasync. The first caller becomes the leader and commits everything queued; the others
    /// wait; if more arrived meanwhile, leadership passes to the oldest waiter, so no caller keeps
    /// committing for others after its own change is durable.
    @discardableResult
    public func update(_ changes: [SinkStateChange]) throws(StoreError) -> [SinkStateChange] {
        guard !changes.isEmpty else { return [] }
        let me = StateUpdateWaiter(changes)
        let lead = inner.withLock { i -> Bool in
            i.pending.append(me)
            if i.leaderActive { return false }
            i.leaderActive = true
            return true
        }
        if lead { commitPending() } else { me.done.wait() }
        // Woken without a result: promoted to leader, and our update is first in the queue.
        if me.result == nil { commitPending() }
        guard let result = me.result else { preconditionFailure("sink state group commit left an update unanswered") }
        return try result.get()
    }

    /// Leader: commits everything queued as one write + one fdatasync, then hands leadership to the
    /// oldest waiter if more changes arrived meanwhile.
    private func commitPending() {
        let (batch, durable, file, size, startTail) = inner.withLock { i in
            let b = i.pending
            i.pending.removeAll()
            return (b, i.state, i.file, i.size, i.tail)
        }
        var tail = startTail
        let outcome = write(batch, onto: durable, file: file, at: size, tail: &tail)
        inner.withLock { i in
            i.tail = tail
            if case let .success((state, newSize), _) = outcome {
                i.state = state
                i.size = newSize
            }
        }
        // Still the leader: a commit that started now would append to the log this replaces, and
        // its change would be gone from disk (a dropped dead letter back after a restart).
        if case .success = outcome { compactIfLarge() }
        let next = inner.withLock { i -> StateUpdateWaiter? in
            guard let first = i.pending.first else {
                i.leaderActive = false
                return nil
            }
            return first
        }
        for (w, result) in zip(batch, outcome.results(count: batch.count)) {
            w.result = result
            w.done.signal()
        }
        next?.done.signal()
    }

    /// Writes one frame per caller (each caller's changes stay atomic) in a single pwrite. On
    /// failure the state stays `durable` and the log is truncated back to `size` (UncertainTail).
    private func write(
        _ batch: [StateUpdateWaiter], onto durable: SinkState, file: FileDescriptor?, at size: UInt64, tail: inout UncertainTail
    ) -> BatchOutcome {
        guard let file else { return .failure(.closed) }
        var next = durable
        var frames: [UInt8] = []
        var stored: [[SinkStateChange]] = []
        for w in batch {
            let applied = w.changes.map { next.apply($0) }
            RecordFrame.append(SinkStateRecord.encode(applied, nextSequence: next.nextDeadLetterSequence), to: &frames)
            stored.append(applied)
        }
        do throws(StoreError) {
            try tail.settle(file, at: size)
            try file.write(frames, at: size)
            if syncsUpdates {
                try file.dataSync()
                syncs.add(1, ordering: .relaxed)
            }
        } catch {
            let wasUncertain = tail.isUncertain
            if let truncateError = tail.rollBack(file, to: size), !wasUncertain {
                logger.error("could not roll back a failed sink state write; the next update truncates first", [("error", truncateError.description)])
            }
            return .failure(error)
        }
        return .success((next, size + UInt64(frames.count)), stored)
    }

    /// Rewrites the log from the state once it has grown well past its compact size. Only a leader
    /// calls this (leaders never overlap), so the file cannot change underneath it.
    private func compactIfLarge() {
        let (state, size, compactSize, open) = inner.withLock { ($0.state, $0.size, $0.compactSize, $0.file != nil) }
        guard open, size > max(compactSize * 4, 16 << 10) else { return }
        // Compaction failing is not the update failing: the changes are already durable.
        do throws(StoreError) {
            let compacted = try SinkStateStore.writeCompacted(state, path: path, directory: directory)
            inner.withLock { i in
                guard i.file != nil else { return }
                i.file = compacted.file
                i.size = compacted.size
                i.compactSize = compacted.size
                i.tail = UncertainTail()
            }
        } catch {
            logger.warning("sink state compaction failed", [("error", error.description)])
        }
    }
}

/// One caller's changes waiting for a group commit. `@unchecked Sendable` because `result` is
/// written by the leader before it signals `done` and read by the caller only after `done` (or,
/// for the leader's own update, on the same thread): the semaphore orders the accesses.
final class StateUpdateWaiter: @unchecked Sendable {
    let changes: [SinkStateChange]
    var result: Result<[SinkStateChange], StoreError>?
    let done = DispatchSemaphore(value: 0)

    init(_ changes: [SinkStateChange]) { self.changes = changes }
}

/// What a group commit produced: the new durable state and log size plus each caller's stored
/// changes, or one error for every caller in the batch.
enum BatchOutcome {
    case success((SinkState, UInt64), [[SinkStateChange]])
    case failure(StoreError)

    func results(count: Int) -> [Result<[SinkStateChange], StoreError>] {
        switch self {
        case let .success(_, stored): return stored.map { .success($0) }
        case let .failure(error): return Array(repeating: .failure(error), count: count)
        }
    }
}
