// JSON renderings of sink status, dead letters and recorded delivery attempts, shared by the admin
// API and the CLI.

import GatewayCore
import GatewayDelivery
import GatewayStore

enum SinkStatusJSON {
    static func write(_ s: SinkStatus, to w: inout JSONWriter) {
        w.beginObject()
        w.member("name", s.name)
        w.key("queue_depth"); w.int(s.queueDepth)
        w.key("in_flight"); w.int(s.inFlight)
        w.key("retrying"); w.int(s.retrying)
        w.member("oldest_undelivered_age_seconds", s.oldestUndeliveredAge)
        w.member("behind_journal", s.behindJournal)
        w.key("paused")
        if let p = s.paused {
            w.beginObject()
            w.member("reason", p.reason)
            w.member("since", p.since.rfc3339())
            w.endObject()
        } else {
            w.null()
        }
        w.key("dead_letters"); w.int(s.deadLetters)
        w.key("attempts")
        w.beginObject()
        for (k, v) in s.attempts.sorted(by: { $0.key < $1.key }) { w.key(escaping: k); w.int(v) }
        w.endObject()
        w.member("cursor", s.cursor?.description)
        w.endObject()
    }
}

enum DeadLetterJSON {
    static func write(_ letters: [DeadLetter], to w: inout JSONWriter) {
        w.beginArray()
        for d in letters {
            w.beginObject()
            w.key("id"); w.int(Int64(d.sequence))
            w.member("event_id", d.eventID)
            w.member("position", d.position.description)
            w.key("attempts"); w.int(d.attempts)
            w.member("last_status", d.lastStatus.map(Double.init))
            w.member("last_error", d.lastError)
            w.member("time", d.time.rfc3339())
            w.endObject()
        }
        w.endArray()
    }
}

enum AttemptJSON {
    static func write(_ records: [AttemptRecord], to w: inout JSONWriter) {
        w.beginArray()
        for r in records {
            w.beginObject()
            w.member("event_id", r.eventID)
            w.member("position", r.position.description)
            w.key("attempt"); w.int(r.attempt)
            w.member("started_at", r.startedAt.rfc3339())
            w.member("duration_seconds", r.duration)
            w.member("outcome", r.outcome)
            w.member("status", r.status.map(Double.init))
            w.member("error", r.error)
            w.endObject()
        }
        w.endArray()
    }
}
