// The dedupe index's file, `<storage>/dedupe/dedupe.log`: framed records (RecordFrame) whose first
// byte says what they are:
//   2  a key: i64 first-seen time (ns), u64 key high, u64 key low (the DedupeKey fingerprint);
//   3  a journal position: u64 segment, u64 offset. Every journal record before it has its key in
//      the file (or expired from the window), so on open only the journal from the last such
//      record on is read for keys the file missed (DedupeIndex+CatchUp).
//   1  a key written before fingerprints (time, key string, event id string; the key was always
//      the event id), still read, fingerprinted on load, and rewritten as 2 by the compaction on open.
// A file without a position record (written before they existed) still loads: the catch-up then
// picks its start from the segments' modification times. Position records go only after the keys
// they cover, one per flush (17 bytes per ~50 ms, not 16 more per key). Append-only while running,
// rewritten with only the live entries and the position they cover on open and whenever it holds
// more than twice the live entries (+10 000).
//
// Writes happen on a private serial queue, batched ~50 ms behind `commit`, each followed by an
// fdatasync: the ingest path never waits for this file. A crash loses the unflushed keys, and the
// position record before them says where the journal, which holds their events, must be read.

import CLinux
import Dispatch
import GatewayCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

final class DedupeLog: Sendable {
    struct Record: Sendable {
        var time: Timestamp
        var key: DedupeKey
    }

    /// What `load` found: the keys in file order, and the last journal position record.
    struct Contents {
        var records: [Record] = []
        var resume: JournalPosition?
    }

    /// The live keys and the journal position they cover (DedupeIndex's `resume`), for a rewrite.
    struct Snapshot {
        var records: [Record]
        var resume: JournalPosition
    }

    static let version: UInt8 = 2
    static let positionKind: UInt8 = 3
    static let recordSize = 25
    static let positionSize = 17
    static let flushDelay = 0.05

    struct Pending {
        var buffer: [UInt8] = []
        var records = 0
        /// The journal position of the newest buffered key: written after them by the flush.
        var resume: JournalPosition?
        var flushScheduled = false
        var compactionScheduled = false
    }

    struct Output {
        var file: FileDescriptor?
        var size: UInt64
        var records: Int
        var lastFailureLog: UInt64 = 0
    }

    let directory: String
    let path: String
    let logger: Logger
    let queue = DispatchQueue(label: "gateway.dedupe-log")
    let pending = Mutex(Pending())
    /// Records in the file plus the buffer: the compaction trigger, read on every commit without a lock.
    let logged = Atomic<Int>(0)
    /// Touched only on `queue`; a Mutex (never contended) rather than `@unchecked Sendable`.
    let output: Mutex<Output>
    /// Nonzero once a write or compaction lost keys: a later position record would claim they are
    /// in the file, so none is written until a compaction has rewritten every live key (the last
    /// one written stays true, so a restart meanwhile reads more journal, never less). The value
    /// is the uptime (ns) from which commits ask for that compaction: not at once, so a full disk
    /// is not met with a rewrite of the whole file after every failed flush.
    let stalledUntil = Atomic<UInt64>(0)
    static let stalledRetryDelay: UInt64 = 10_000_000_000

    static func encode(_ r: Record) -> [UInt8] { ByteWriter.bytes { write(r, to: &$0) } }

    static func write(_ r: Record, to w: inout ByteWriter) {
        w.u8(version)
        w.timestamp(r.time)
        w.u64(r.key.high)
        w.u64(r.key.low)
    }

    static func encode(resume position: JournalPosition) -> [UInt8] {
        ByteWriter.bytes { w in
            w.u8(positionKind)
            w.position(position)
        }
    }

    enum Entry {
        case key(Record)
        case position(JournalPosition)
    }

    static func decode(_ bytes: [UInt8]) throws(StoreError) -> Entry {
        var r = ByteReader(bytes, what: "dedupe record")
        let entry: Entry
        switch try r.u8() {
        case 1:
            let time = try r.timestamp()
            let key = try r.string()
            _ = try r.string()  // the event id, equal to the key
            entry = .key(Record(time: time, key: DedupeKey(key)))
        case 2:
            entry = .key(Record(time: try r.timestamp(), key: DedupeKey(high: try r.u64(), low: try r.u64())))
        case positionKind:
            entry = .position(try r.position())
        case let v:
            throw StoreError.invalid("dedupe record: unsupported version \(v)")
        }
        try r.expectEnd()
        return entry
    }

    /// Every readable record of the file, in file order; damage is logged and skipped.
    static func load(directory: String, logger: Logger) throws(StoreError) -> Contents {
        let path = directory + "/dedupe.log"
        guard FileSystem.exists(path) else { return Contents() }
        let file = try FileDescriptor(path: path, flags: O_RDONLY)
        let size = try file.size()
        var scanner = FrameScanner(file: file, limit: size)
        var contents = Contents()
        var offset: UInt64 = 0
        while true {
            switch try scanner.step(at: offset) {
            case let .record(at, payload, next):
                do throws(StoreError) {
                    switch try decode(payload) {
                    case .key(let record): contents.records.append(record)
                    case .position(let position): contents.resume = position
                    }
                } catch {
                    logger.error("undecodable dedupe record skipped", [("path", path), ("offset", String(at)), ("error", error.description)])
                }
                offset = next
            case let .corrupt(at, resume, reason):
                if resume < size {
                    logger.error("corrupt dedupe record skipped", [("path", path), ("offset", String(at)), ("reason", reason)])
                }
                offset = resume
            case .end:
                return contents
            }
        }
    }

    /// Rewrites the file with `live` (compaction on open) and opens it for appending.
    init(directory: String, live: Snapshot, logger: Logger) throws(StoreError) {
        self.directory = directory
        path = directory + "/dedupe.log"
        self.logger = logger
        try FileSystem.createDirectory(directory)
        let (file, size) = try DedupeLog.rewrite(path: path, directory: directory, live)
        output = Mutex(Output(file: file, size: size, records: live.records.count))
        logged.store(live.records.count, ordering: .relaxed)
    }

    static func rewrite(path: String, directory: String, _ live: Snapshot) throws(StoreError) -> (FileDescriptor, UInt64) {
        var bytes: [UInt8] = []
        for r in live.records { RecordFrame.append(encode(r), to: &bytes) }
        RecordFrame.append(encode(resume: live.resume), to: &bytes)
        try FileSystem.replaceAtomically(path, with: bytes, directory: directory)
        return (try FileDescriptor(path: path, flags: O_RDWR), UInt64(bytes.count))
    }

    /// Buffers `record`, whose event is the journal record at `position`; a flush runs on the
    /// queue within `flushDelay`. Appends must come in journal order (the journal runs its
    /// completions in order, one batch at a time), or a position record could cover a key
    /// appended after it.
    func append(_ record: Record, position: JournalPosition) {
        let schedule = pending.withLock { p -> Bool in
            ByteWriter.withBytes({ DedupeLog.write(record, to: &$0) }) { RecordFrame.append($0, to: &p.buffer) }
            p.records += 1
            p.resume = position
            logged.add(1, ordering: .relaxed)
            if p.flushScheduled { return false }
            p.flushScheduled = true
            return true
        }
        if schedule {
            queue.asyncAfter(deadline: .now() + DedupeLog.flushDelay) { self.writePending() }
        }
    }

    /// Whether the file holds so many superseded or expired records that it should be rewritten,
    /// or lost keys a while ago (`stalledUntil`). Counts buffered records too, so a burst of
    /// commits is noticed before its flush.
    func needsCompaction(liveCount: Int) -> Bool {
        if logged.load(ordering: .relaxed) > 2 * liveCount + 10_000 { return true }
        let stalled = stalledUntil.load(ordering: .relaxed)
        return stalled != 0 && DispatchTime.now().uptimeNanoseconds >= stalled
    }

    /// Runs on `queue`, after keys were lost.
    private func stall() {
        stalledUntil.store(DispatchTime.now().uptimeNanoseconds + DedupeLog.stalledRetryDelay, ordering: .relaxed)
    }

    /// Rewrites the file on the queue from `snapshot()` (the live entries at that moment).
    func compact(snapshot: @escaping @Sendable () -> Snapshot) {
        let schedule = pending.withLock { p -> Bool in
            if p.compactionScheduled { return false }
            p.compactionScheduled = true
            return true
        }
        guard schedule else { return }
        queue.async {
            // Clear the buffer before taking the snapshot: every buffered record was committed
            // before this point, so the snapshot contains it; anything appended later stays buffered
            // and lands in the new file.
            self.pending.withLock { p in
                self.logged.subtract(p.records, ordering: .relaxed)
                p.buffer.removeAll(keepingCapacity: true)
                p.records = 0
                p.resume = nil
                p.compactionScheduled = false
            }
            let live = snapshot()
            do throws(StoreError) {
                let (file, size) = try DedupeLog.rewrite(path: self.path, directory: self.directory, live)
                self.output.withLock { o in
                    if o.file != nil { o.file = file }
                    o.size = size
                    self.logged.add(live.records.count - o.records, ordering: .relaxed)
                    o.records = live.records.count
                }
                self.stalledUntil.store(0, ordering: .relaxed)
            } catch {
                // The cleared buffer's keys are in neither file.
                self.stall()
                self.logger.warning("dedupe log compaction failed", [("error", error.description)])
            }
        }
    }

    /// Runs on `queue`: one write and one fdatasync for everything buffered, then the journal
    /// position those keys reach.
    private func writePending() {
        var (bytes, count, resume) = pending.withLock { p -> ([UInt8], Int, JournalPosition?) in
            p.flushScheduled = false
            defer { p.buffer.removeAll(keepingCapacity: true); p.records = 0; p.resume = nil }
            return (p.buffer, p.records, p.resume)
        }
        guard !bytes.isEmpty else { return }
        output.withLock { o in
            guard let file = o.file else { return }
            // Not counted in `records`: one per flush, so never what makes the file worth compacting.
            if let resume, stalledUntil.load(ordering: .relaxed) == 0 { RecordFrame.append(DedupeLog.encode(resume: resume), to: &bytes) }
            do throws(StoreError) {
                try file.write(bytes, at: o.size)
                try file.dataSync()
                o.size += UInt64(bytes.count)
                o.records += count
            } catch {
                // The keys stay in memory, and their events in the journal: a restart reads them
                // back from the last position record, which no later one may pass.
                try? file.truncate(to: o.size)
                stall()
                logged.subtract(count, ordering: .relaxed)
                let now = DispatchTime.now().uptimeNanoseconds
                if o.lastFailureLog == 0 || now &- o.lastFailureLog > 10_000_000_000 {
                    logger.warning("dedupe log write failed", [("error", error.description), ("records", String(count))])
                    o.lastFailureLog = now
                }
            }
        }
    }

    /// Writes what is buffered now and waits for it.
    func flush() {
        queue.sync { writePending() }
    }

    func close() {
        queue.sync {
            writePending()
            output.withLock { $0.file = nil }
        }
    }
}
