// Bringing the index up to date from the journal on open. The dedupe log is written ~50 ms behind
// the ingest path, so a crash forgets the keys of the events acknowledged last; the journal holds
// every one of those events (it is durable before the 2xx). Each event's id is its dedupe key and
// its receipt time the key's first sighting, so reading those events back restores the keys with
// the times the window expires them by.
//
// Only the journal from the log's last position record on is read: at most the ~50 ms of events
// since its last flush (more only after a failed write of the log, until its next compaction).
// A log from before position records has none; then the start is the first segment modified at
// or after the newest key in the log (or the window's start if it holds none), less a minute for
// the file system's coarse timestamps and small clock steps. A log written until the stop has its
// newest key in the last segment or two, so this stays cheap; only a missing log makes it read
// the window's worth of journal, which rebuilds the keys the log lost with it.

import GatewayCore

extension DedupeIndex {
    /// Margin before the newest logged key when the log records no journal position.
    static let unrecordedPositionMargin = 60.0
    /// Records per journal read while catching up.
    static let catchUpBatch = 1024

    /// Adds to `latest` (the log's live keys) the key of every event in `journal` from where the
    /// log's keys end, if received after `cutoff` and newer than what `latest` holds for it.
    /// Returns where the rewritten log's keys then end: the journal's end before reading.
    static func catchUp(_ latest: inout [DedupeKey: DedupeLog.Record], log: DedupeLog.Contents, journal: Journal,
                        cutoff: Timestamp, logger: Logger) throws(StoreError) -> JournalPosition {
        // Taken first: anything appended while reading is committed by its own ingest.
        let end = journal.end
        var fields: [(String, String)] = []
        let start: JournalPosition
        if let recorded = log.resume {
            start = recorded
        } else {
            let since = max(log.records.map(\.time).max() ?? cutoff, cutoff).adding(seconds: -unrecordedPositionMargin)
            start = journal.startOfSegments(modifiedSince: since)
            fields.append(("log_position", "none recorded: reading segments modified since \(since)"))
        }
        var position = start
        var read = 0, recovered = 0
        while true {
            let entries = try journal.read(from: position, limit: catchUpBatch, maxBytes: 4 << 20)
            guard let last = entries.last else { break }
            for entry in entries {
                let event: StoredEvent
                do throws(StoreError) {
                    event = try StoredEvent(decoding: entry.payload, includingRequest: false)
                } catch {
                    logger.error("undecodable journal record skipped by the dedupe catch-up", [
                        ("segment", String(entry.position.segment)), ("offset", String(entry.position.offset)), ("error", error.description),
                    ])
                    continue
                }
                read += 1
                guard event.receivedAt > cutoff else { continue }
                let key = DedupeKey(event.id)
                let known = latest[key]
                if let known, known.time >= event.receivedAt { continue }
                if known == nil { recovered += 1 }
                latest[key] = DedupeLog.Record(time: event.receivedAt, key: key)
            }
            position = last.next
        }
        // A first start (no position recorded, an empty journal) has nothing to report.
        guard read > 0 || log.resume != nil else { return end }
        logger.info("dedupe keys recovered from the journal", [
            ("recovered", String(recovered)), ("records_read", String(read)), ("from", start.description), ("to", position.description),
        ] + fields)
        return end
    }
}
