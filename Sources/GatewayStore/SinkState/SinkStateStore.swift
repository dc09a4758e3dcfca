// Durable per-sink delivery state in `<storage>/sinks/<name>/state.log`: an append-only log of
// framed change records (RecordFrame + SinkStateRecord). `update` returns only once its change
// survives a crash; concurrent updates share one write and one fdatasync (group commit), but each
// sync still costs about a millisecond, so advance the cursor every few milliseconds rather than
// after every event (SinkStateStore+GroupCommit.swift). On open the log is replayed (a torn tail
// truncated, a corrupt record skipped and logged) and rewritten compactly; it is compacted again
// when it grows past four times its compact size (and at least 16 KiB).

public import GatewayCore
import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class SinkStateStore: Sendable {
    public let sink: String
    let directory: String
    let path: String
    let logger: Logger

    struct Inner {
        var state: SinkState
        var file: FileDescriptor?
        var size: UInt64
        /// Size right after the last compaction: growth past a multiple of it triggers the next.
        var compactSize: UInt64
        /// Updates waiting for the next group commit, oldest first.
        var pending: [StateUpdateWaiter] = []
        /// A caller is committing; new updates queue behind it.
        var leaderActive = false
        /// Bytes past `size` left by a failed write that could not be truncated away (recovery
        /// would replay them). The next write, and close, first truncate back to `size`.
        var tail = UncertainTail()
    }

    let inner: Mutex<Inner>
    /// fdatasync calls on the log (tests check that concurrent updates share them).
    let syncs = Atomic<Int>(0)
    /// Whether each update is fdatasynced. Off for a gateway whose journal is not synced either
    /// (`storage.fsync: never`): a sync there would protect the state against a power cut the
    /// events themselves do not survive. Updates still reach the kernel, so a process crash loses
    /// none; a power cut can lose the latest ones: the cursor (events delivered again), and an
    /// operator's drop or send-back of a dead letter (it is back in the list).
    let syncsUpdates: Bool

    /// Opens (creating if needed) the state of `sink` under `<storageDirectory>/sinks/<sink>/`.
    public init(directory storageDirectory: String, sink: String, syncsUpdates: Bool = true, logger: Logger) throws(StoreError) {
        self.syncsUpdates = syncsUpdates
        guard SinkStateStore.isValidName(sink) else { throw StoreError.invalid("invalid sink name '\(sink)' for a storage directory") }
        self.sink = sink
        directory = StorageLayout.sinkDirectory(storageDirectory, sink: sink)
        path = directory + "/state.log"
        self.logger = logger.with("sink", sink)
        try FileSystem.createDirectory(directory)
        let state = try SinkStateStore.load(path: path, logger: self.logger)
        let compacted = try SinkStateStore.writeCompacted(state, path: path, directory: directory)
        inner = Mutex(Inner(state: state, file: compacted.file, size: compacted.size, compactSize: compacted.size))
    }

    /// Sink names become directory names: no separators, no dot names, nothing empty.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(0x2F) && !name.utf8.contains(0)
    }

    /// Names of the sinks that have state under `storageDirectory` (offline CLI commands).
    public static func sinkNames(in storageDirectory: String) throws(StoreError) -> [String] {
        let dir = StorageLayout.sinksDirectory(storageDirectory)
        guard FileSystem.exists(dir) else { return [] }
        return try FileSystem.list(dir).filter { FileSystem.exists(dir + "/" + $0 + "/state.log") }.sorted()
    }

    public var state: SinkState { inner.withLock { $0.state } }
    public var cursor: JournalPosition? { inner.withLock { $0.state.cursor } }
    public var deadLetters: [DeadLetter] { inner.withLock { $0.state.deadLetters } }
    public var paused: PauseState? { inner.withLock { $0.state.paused } }

    public func setCursor(_ position: JournalPosition) throws(StoreError) {
        try update([.cursor(position)])
    }

    public func setRetry(_ retry: RetryState) throws(StoreError) {
        try update([.retry(retry)])
    }

    public func clearRetry(at position: JournalPosition) throws(StoreError) {
        try update([.clearRetry(position)])
    }

    /// Records a dead letter (and clears its retry state); returns it with its sequence.
    @discardableResult
    public func addDeadLetter(_ letter: DeadLetter) throws(StoreError) -> DeadLetter {
        let stored = try update([.clearRetry(letter.position), .deadLetter(letter)])
        guard case let .deadLetter(d) = stored[1] else { return letter }
        return d
    }

    /// Removes the dead letters matching `predicate`; with `requeue`, their events go to the
    /// requeued list in the same durable step (`dead-letters retry`), otherwise they are dropped.
    /// Either way the stream keeps skipping those still ahead of the cursor (`SinkState.skipped`).
    @discardableResult
    public func removeDeadLetters(requeue: Bool, where predicate: (DeadLetter) -> Bool) throws(StoreError) -> [DeadLetter] {
        let matching = inner.withLock { $0.state.deadLetters.filter(predicate) }
        var changes: [SinkStateChange] = matching.map { .removeDeadLetter(sequence: $0.sequence) }
        if requeue { changes += matching.map { .requeue($0.position) } }
        changes += matching.map { .skip($0.position) }
        try update(changes)
        return matching
    }

    public func pause(reason: String, at time: Timestamp) throws(StoreError) {
        try update([.pause(PauseState(reason: reason, since: time))])
    }

    public func resume() throws(StoreError) {
        try update([.resume])
    }

    /// Closes the log file; later updates throw `.closed`.
    public func close() {
        inner.withLock { i in
            // With no leader the file is idle, and once closed no later write would remove the tail.
            if !i.leaderActive, let file = i.file {
                do throws(StoreError) {
                    try i.tail.settle(file, at: i.size)
                } catch {
                    logger.error("could not remove a failed sink state write before closing; it may be replayed on restart", [("error", error.description)])
                }
            }
            i.file = nil
        }
    }

    /// Replays the log into a state.
    static func load(path: String, logger: Logger) throws(StoreError) -> SinkState {
        var state = SinkState()
        guard FileSystem.exists(path) else { return state }
        let file = try FileDescriptor(path: path, flags: O_RDONLY)
        let size = try file.size()
        var scanner = FrameScanner(file: file, limit: size)
        var offset: UInt64 = 0
        while true {
            switch try scanner.step(at: offset) {
            case let .record(at, payload, next):
                do throws(StoreError) {
                    let (sequence, changes) = try SinkStateRecord.decode(payload)
                    for change in changes { state.replay(change) }
                    state.nextDeadLetterSequence = max(state.nextDeadLetterSequence, sequence)
                } catch {
                    logger.error("undecodable sink state record skipped", [("path", path), ("offset", String(at)), ("error", error.description)])
                }
                offset = next
            case let .corrupt(at, resume, reason):
                // A torn tail is an update that never returned: dropping it is correct. Damage in the
                // middle loses that one update, which at worst redelivers an event.
                if resume < size {
                    logger.error("corrupt sink state record skipped", [("path", path), ("offset", String(at)), ("reason", reason)])
                } else {
                    logger.warning("dropping torn tail of sink state log", [("path", path), ("offset", String(at))])
                }
                offset = resume
            case .end:
                return state
            }
        }
    }

    /// Writes `state` as a one-record log and atomically replaces the old log with it.
    static func writeCompacted(_ state: SinkState, path: String, directory: String) throws(StoreError) -> (file: FileDescriptor, size: UInt64) {
        var frame: [UInt8] = []
        RecordFrame.append(SinkStateRecord.encode(state.asChanges, nextSequence: state.nextDeadLetterSequence), to: &frame)
        try FileSystem.replaceAtomically(path, with: frame, directory: directory)
        let file = try FileDescriptor(path: path, flags: O_RDWR)
        return (file, UInt64(frame.count))
    }
}
