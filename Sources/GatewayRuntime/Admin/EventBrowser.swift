// Reading events back out of the journal for the admin API: a filtered page, or one event by id
// with where it stands at every sink. A linear scan: the journal is the index, and operators ask
// for pages, not for the ingest path's speed.

import GatewayCore
import GatewayDelivery
import GatewayStore

struct EventBrowser {
    let journal: Journal

    struct Page {
        var events: [(JournalEntry, StoredEvent)]
        /// Where the next page starts, nil at the end of the journal.
        var next: JournalPosition?
    }

    func list(_ query: EventQuery) throws -> Page {
        var out: [(JournalEntry, StoredEvent)] = []
        var cursor = query.after
        while out.count < query.limit {
            let batch = try journal.read(after: cursor, limit: 512)
            guard let last = batch.last else { return Page(events: out, next: nil) }
            for entry in batch {
                cursor = entry.position
                guard let event = try? StoredEvent(decoding: entry.payload), query.matches(event) else { continue }
                out.append((entry, event))
                if out.count == query.limit { return Page(events: out, next: entry.position) }
            }
            cursor = last.position
        }
        return Page(events: out, next: cursor)
    }

    func find(id: String) throws -> (JournalEntry, StoredEvent)? {
        var cursor: JournalPosition?
        while true {
            let batch = try journal.read(after: cursor, limit: 512)
            guard let last = batch.last else { return nil }
            for entry in batch {
                if let event = try? StoredEvent(decoding: entry.payload), event.id == id { return (entry, event) }
            }
            cursor = last.position
        }
    }

    static func write(_ page: Page, to w: inout JSONWriter) {
        w.beginObject()
        w.key("events")
        w.beginArray()
        for (entry, event) in page.events { summary(entry, event, to: &w) }
        w.endArray()
        w.member("next", page.next?.description)
        w.endObject()
    }

    static func summary(_ entry: JournalEntry, _ e: StoredEvent, to w: inout JSONWriter) {
        w.beginObject()
        w.member("id", e.id)
        w.member("position", entry.position.description)
        w.member("source", e.source)
        w.member("provider", e.provider)
        w.member("type", e.type)
        w.member("provider_event", e.providerEvent)
        w.member("session", e.sessionID)
        w.member("received_at", e.receivedAt.rfc3339())
        w.member("occurred_at", e.occurredAt?.rfc3339())
        w.member("request_id", e.requestID)
        w.endObject()
    }

    /// One event: its summary, the CloudEvents envelope as stored, and per sink `done`, `pending`,
    /// `dead_letter` (with attempts and the last error) or `filtered`, and the attempts the sink's
    /// in-memory history holds for it (`recorded_attempts`, oldest first; empty when none are
    /// recorded).
    static func write(entry: JournalEntry, event: StoredEvent, deliveries: [DeliveryEngine.RecordDelivery], to w: inout JSONWriter) {
        w.beginObject()
        w.key("event")
        summary(entry, event, to: &w)
        w.key("envelope")
        w.appendRaw(event.envelope)
        w.key("deliveries")
        w.beginObject()
        for d in deliveries {
            w.key(escaping: d.sink)
            w.beginObject()
            switch d.state {
            case .done?:
                w.member("state", "done")
            case .pending?:
                w.member("state", "pending")
            case nil:
                w.member("state", "filtered")
            case .deadLetter(let letter)?:
                w.member("state", "dead_letter")
                w.member("attempts", Double(letter.attempts))
                w.member("last_status", letter.lastStatus.map(Double.init))
                w.member("last_error", letter.lastError)
            }
            // Not `attempts`: a dead letter already has that key, for its count.
            w.key("recorded_attempts")
            AttemptJSON.write(d.attempts, to: &w)
            w.endObject()
        }
        w.endObject()
        w.endObject()
    }
}
