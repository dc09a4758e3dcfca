// The filters shared by `GET /admin/events`, `POST /admin/sinks/<name>/replay` and the replay CLI:
// from, to (RFC 3339), type (glob, repeatable), session, source, plus paging (limit, after).

import GatewayCore
import GatewayDelivery
import GatewayHTTP
import GatewayProviders
import GatewayStore

struct EventQuery {
    var from: Timestamp?
    var to: Timestamp?
    var types: [String] = []
    var session: String?
    var source: String?
    var limit = 100
    var after: JournalPosition?

    /// A `limit` parameter: 1 to 1000 (the event list's and the attempt list's).
    static func limit(_ value: String) throws -> Int {
        guard let n = Int(value), (1...1000).contains(n) else { throw AdminError.status(400, "limit must be 1 to 1000") }
        return n
    }

    init(_ head: HTTPRequestHead) throws {
        for (key, value) in head.query {
            switch key {
            case "from": from = try Self.time(value, "from")
            case "to": to = try Self.time(value, "to")
            case "type": types.append(value)
            case "session": session = value
            case "source": source = value
            case "limit": limit = try Self.limit(value)
            case "after":
                guard let p = JournalPosition(parsing: value) else { throw AdminError.status(400, "after must be a position such as 1:4096") }
                after = p
            default:
                throw AdminError.status(400, "unknown query parameter '\(key)' (from, to, type, session, source, limit, after)")
            }
        }
    }

    static func time(_ text: String, _ name: String) throws -> Timestamp {
        guard let t = TimeConversion.parseISO8601(text) else {
            throw AdminError.status(400, "\(name) must be an RFC 3339 time such as 2026-11-26T10:00:00Z")
        }
        return t
    }

    var replayFilter: ReplayFilter { ReplayFilter(from: from, to: to, types: types, session: session) }

    func matches(_ event: StoredEvent) -> Bool {
        replayFilter.matches(event) && (source == nil || event.source == source)
    }
}
