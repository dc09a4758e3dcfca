// When the `file` sink starts a new file: past a size, and/or when wall-clock time enters a new
// period. Periods are aligned to the epoch (hourly files roll over on the hour), so a restart
// continues the current file instead of resetting the clock.

public struct FileRotation: Sendable, Equatable {
    /// Rotate before a line would take the file past this many bytes (a single longer line still
    /// gets a file of its own rather than being split).
    public var maxSize: Int?
    /// Rotate when the current time is in a later period of this length than the file's.
    public var every: Double?

    public init(maxSize: Int? = nil, every: Double? = nil) {
        self.maxSize = maxSize
        self.every = every
    }

    func period(ofNanoseconds ns: Int64) -> Int64? {
        guard let every, every > 0 else { return nil }
        let length = max(1, Int64(every * 1e9))
        return ns >= 0 ? ns / length : (ns - length + 1) / length
    }
}
