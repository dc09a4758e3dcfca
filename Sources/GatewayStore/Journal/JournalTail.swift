// The most recently committed records, kept in memory by the writer so that readers following the
// end of the journal (every sink's dispatcher, normally a few milliseconds behind) get them without
// a pread, a CRC check and a decode: under load that re-read was about a tenth of the gateway's CPU.
// Only a cache: a reader further behind than the tail reaches reads the segment files as before.
//
// Invariant: the entries are every committed record from the first one kept to the journal's end,
// in journal order (the single writer adds each committed batch whole), so a read that starts at
// or after the first kept position finds everything it would have found on disk.

struct JournalTail {
    /// Bounds on what is held: whichever is reached first evicts the oldest entries.
    let maxEntries: Int
    let maxBytes: Int

    private var entries: [JournalEntry] = []
    /// Index of the oldest live entry; the evicted prefix is dropped in bulk.
    private var head = 0
    private var bytes = 0

    init(maxEntries: Int = 4096, maxBytes: Int = 8 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    var count: Int { entries.count - head }

    /// Adds a committed record. It evicts nothing: `evictOldest()` does, called by the appenders
    /// (see there), so the tail may exceed its bounds by the records committed since the last append.
    mutating func append(_ entry: JournalEntry) {
        guard maxEntries > 0, entry.payload.count <= maxBytes else {
            // A record that can never fit breaks contiguity: start over after it.
            removeAll()
            return
        }
        entries.append(entry)
        bytes += entry.payload.count
    }

    /// Removes the oldest entry while the tail is over its bounds, and returns it for the caller to
    /// release once it has unlocked the journal. The journal's appenders call this, not the commit:
    /// under `fsync: always` commits run on the writer thread, and an entry's payload and event,
    /// allocated by an event loop and freed there, went through glibc's shared bins with the arena
    /// lock instead of the loop's own cache (~1 µs per webhook on the writer in W1).
    mutating func evictOldest() -> JournalEntry? {
        guard count > maxEntries || bytes > maxBytes else { return nil }
        let oldest = entries[head]
        bytes -= oldest.payload.count
        entries[head] = JournalEntry(position: oldest.position, next: oldest.next, payload: [])
        head += 1
        if head > 1024, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return oldest
    }

    /// Up to `limit` records at or after `position` and at most `maxBytes` of payload (at least
    /// one record), or nil when the tail cannot answer (it is empty, or `position` lies before its
    /// first record: the caller reads the files).
    func read(from position: JournalPosition, limit: Int, maxBytes: Int = .max) -> [JournalEntry]? {
        guard count > 0, position >= entries[head].position else { return nil }
        // First entry whose position is at or after `position` (binary search: entries are sorted).
        var low = head, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].position < position { low = mid + 1 } else { high = mid }
        }
        var end = low
        var bytes = 0
        while end < min(entries.count, low + limit) {
            bytes += entries[end].payload.count
            if bytes > maxBytes && end > low { break }
            end += 1
        }
        return Array(entries[low..<end])
    }

    /// Forgets everything (retention deleted segments: rare, and cheaper than finding which entries).
    mutating func removeAll() {
        entries.removeAll()
        head = 0
        bytes = 0
    }
}
