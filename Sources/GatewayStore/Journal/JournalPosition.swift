// Where a journal record lives: its segment number and the byte offset of its frame in that
// segment. Positions order like the journal itself (segment first), so a sink's cursor is simply
// "every record before this position is done".

public struct JournalPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var segment: UInt64
    public var offset: UInt64

    public init(segment: UInt64, offset: UInt64) {
        self.segment = segment
        self.offset = offset
    }

    public static func < (a: JournalPosition, b: JournalPosition) -> Bool {
        a.segment != b.segment ? a.segment < b.segment : a.offset < b.offset
    }

    /// `segment:offset`, e.g. `3:1048576`; `init(parsing:)` reads it back (CLI arguments, admin API).
    public var description: String { "\(segment):\(offset)" }

    public init?(parsing text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let s = UInt64(parts[0]), let o = UInt64(parts[1]) else { return nil }
        self.init(segment: s, offset: o)
    }
}

/// One record read back from the journal.
public struct JournalEntry: Sendable, Equatable {
    /// Where the record starts.
    public var position: JournalPosition
    /// The position right after this record: what a sink's cursor becomes once this record (and
    /// every one before it) is done; `read(from: next)` continues with the following record.
    public var next: JournalPosition
    public var payload: [UInt8]
    /// The event `payload` encodes, decoded without its raw request (what delivery needs), when the
    /// record came from the journal's memory tail; nil when it was read from disk.
    public var cachedEvent: StoredEvent?

    public init(position: JournalPosition, next: JournalPosition, payload: [UInt8], cachedEvent: StoredEvent? = nil) {
        self.position = position
        self.next = next
        self.payload = payload
        self.cachedEvent = cachedEvent
    }
}
