// The dedupe index's file, `<storage>/dedupe/dedupe.log`: framed records (RecordFrame) of
// u8 version(2), i64 first-seen time (ns), u64 key high, u64 key low (the DedupeKey fingerprint).
// Version 1 records (time, key string, event id string; the key was always the event id) are still
// read, fingerprinted on load, and rewritten as version 2 by the compaction on open. Append-only
// while running, rewritten with only the live entries on open and whenever it holds more than
// twice the live entries (+10 000).
//
// Writes happen on a private serial queue, batched ~50 ms behind `commit`, each followed by an
// fdatasync: the ingest path never waits for this file (see DedupeIndex for why that is safe).

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

    static let version: UInt8 = 2
    static let recordSize = 25
    static let flushDelay = 0.05

    struct Pending {
        var buffer: [UInt8] = []
        var records = 0
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

    static func encode(_ r: Record) -> [UInt8] { ByteWriter.bytes { write(r, to: &$0) } }

    static func write(_ r: Record, to w: inout ByteWriter) {
        w.u8(version)
        w.timestamp(r.time)
        w.u64(r.key.high)
        w.u64(r.key.low)
    }

    static func decode(_ bytes: [UInt8]) throws(StoreError) -> Record {
        var r = ByteReader(bytes, what: "dedupe record")
        let record: Record
        switch try r.u8() {
        case 1:
            let time = try r.timestamp()
            let key = try r.string()
            _ = try r.string()  // the event id, equal to the key
            record = Record(time: time, key: DedupeKey(key))
        case 2:
            record = Record(time: try r.timestamp(), key: DedupeKey(high: try r.u64(), low: try r.u64()))
        case let v:
            throw StoreError.invalid("dedupe record: unsupported version \(v)")
        }
        try r.expectEnd()
        return record
    }

    /// Every readable record of the file, in file order; damage is logged and skipped.
    static func load(directory: String, logger: Logger) throws(StoreError) -> [Record] {
        let path = directory + "/dedupe.log"
        guard FileSystem.exists(path) else { return [] }
        let file = try FileDescriptor(path: path, flags: O_RDONLY)
        let size = try file.size()
        var scanner = FrameScanner(file: file, limit: size)
        var records: [Record] = []
        var offset: UInt64 = 0
        while true {
            switch try scanner.step(at: offset) {
            case let .record(at, payload, next):
                do throws(StoreError) {
                    records.append(try decode(payload))
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
                return records
            }
        }
    }

    /// Rewrites the file with `live` (compaction on open) and opens it for appending.
    init(directory: String, live: [Record], logger: Logger) throws(StoreError) {
        self.directory = directory
        path = directory + "/dedupe.log"
        self.logger = logger
        try FileSystem.createDirectory(directory)
        let (file, size) = try DedupeLog.rewrite(path: path, directory: directory, records: live)
        output = Mutex(Output(file: file, size: size, records: live.count))
        logged.store(live.count, ordering: .relaxed)
    }

    static func rewrite(path: String, directory: String, records: [Record]) throws(StoreError) -> (FileDescriptor, UInt64) {
        var bytes: [UInt8] = []
        for r in records { RecordFrame.append(encode(r), to: &bytes) }
        try FileSystem.replaceAtomically(path, with: bytes, directory: directory)
        return (try FileDescriptor(path: path, flags: O_RDWR), UInt64(bytes.count))
    }

    /// Buffers `record`; a flush runs on the queue within `flushDelay`.
    func append(_ record: Record) {
        let schedule = pending.withLock { p -> Bool in
            ByteWriter.withBytes({ DedupeLog.write(record, to: &$0) }) { RecordFrame.append($0, to: &p.buffer) }
            p.records += 1
            logged.add(1, ordering: .relaxed)
            if p.flushScheduled { return false }
            p.flushScheduled = true
            return true
        }
        if schedule {
            queue.asyncAfter(deadline: .now() + DedupeLog.flushDelay) { self.writePending() }
        }
    }

    /// Whether the file holds so many superseded or expired records that it should be rewritten.
    /// Counts buffered records too, so a burst of commits is noticed before its flush.
    func needsCompaction(liveCount: Int) -> Bool {
        logged.load(ordering: .relaxed) > 2 * liveCount + 10_000
    }

    /// Rewrites the file on the queue from `snapshot()` (the live entries at that moment).
    func compact(snapshot: @escaping @Sendable () -> [Record]) {
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
                p.compactionScheduled = false
            }
            let live = snapshot()
            do throws(StoreError) {
                let (file, size) = try DedupeLog.rewrite(path: self.path, directory: self.directory, records: live)
                self.output.withLock { o in
                    if o.file != nil { o.file = file }
                    o.size = size
                    self.logged.add(live.count - o.records, ordering: .relaxed)
                    o.records = live.count
                }
            } catch {
                self.logger.warning("dedupe log compaction failed", [("error", error.description)])
            }
        }
    }

    /// Runs on `queue`: one write and one fdatasync for everything buffered.
    private func writePending() {
        let (bytes, count) = pending.withLock { p -> ([UInt8], Int) in
            p.flushScheduled = false
            defer { p.buffer.removeAll(keepingCapacity: true); p.records = 0 }
            return (p.buffer, p.records)
        }
        guard !bytes.isEmpty else { return }
        output.withLock { o in
            guard let file = o.file else { return }
            do throws(StoreError) {
                try file.write(bytes, at: o.size)
                try file.dataSync()
                o.size += UInt64(bytes.count)
                o.records += count
            } catch {
                // The keys stay in memory; only their persistence across a restart is lost.
                try? file.truncate(to: o.size)
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
