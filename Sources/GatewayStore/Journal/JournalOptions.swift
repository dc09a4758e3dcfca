// How durable and how large the journal is; decoded by the config module from `storage.*`.

/// When appends reach the disk (`storage.fsync`).
public enum FsyncPolicy: Sendable, Equatable {
    /// Completion only after `fdatasync` (group commit shares one sync among every append that
    /// arrived while the previous one ran). A 2xx means the event is on disk.
    case always
    /// Completion after the write; `fdatasync` at most every `seconds`. A crash of the machine (not
    /// just the process) can lose the last interval.
    case interval(Double)
    /// Completion after the write; the kernel flushes when it likes. Survives a process crash only.
    case never
}

public struct JournalOptions: Sendable, Equatable {
    public var fsync: FsyncPolicy
    /// Target size of one segment file in bytes. A segment rolls over before the batch that would
    /// overflow it; a single record larger than this gets a segment of its own.
    public var segmentSize: Int
    /// Seconds a segment is kept for replay after its last append (`storage.retention`, default 7 d);
    /// the runtime passes `now - retention` to `removeSegments(fullyBefore:olderThan:)`.
    public var retention: Double
    /// Bounds of the memory tail (the latest records, served to readers without disk reads).
    /// 0 entries turns it off (tests of the disk path).
    public var tailEntries: Int
    public var tailBytes: Int
    /// Under the policies that sync: how long records held by `commitDeferred(moreComing: true)`
    /// may wait for their caller to run out of work before they are committed anyway.
    public var maxHoldSeconds: Double

    public init(fsync: FsyncPolicy = .always, segmentSize: Int = 64 << 20, retention: Double = 7 * 86400,
                tailEntries: Int = 4096, tailBytes: Int = 8 << 20, maxHoldSeconds: Double = 0.005) {
        self.fsync = fsync
        self.segmentSize = segmentSize
        self.retention = retention
        self.tailEntries = tailEntries
        self.tailBytes = tailBytes
        self.maxHoldSeconds = maxHoldSeconds
    }
}

/// Counters for tests, metrics and benchmarks: `syncs` far below `appends` is group commit at work.
public struct JournalStatistics: Sendable, Equatable {
    public var appends: Int
    public var failedAppends: Int
    /// Write batches (one `pwrite` each).
    public var batches: Int
    /// `fdatasync` calls on segment files.
    public var syncs: Int
    public var bytesWritten: Int
    /// Segments started at rollover, and how many of them were prepared spares (SegmentPreparer):
    /// under the syncing policies the difference is rollovers that found no spare ready.
    public var rollovers: Int
    public var preparedRollovers: Int
}
