// The admin API's routes, matched from method and path alone (so `prepare` can answer 404/405
// before reading a body).

enum AdminRoute: Equatable {
    case listEvents
    case getEvent(String)
    case listSinks
    case pause(String)
    case resume(String)
    case retryNow(String)
    case test(String)
    case deadLetters(String)
    case attempts(String)
    case retryDeadLetters(String)
    case dropDeadLetters(String)
    case replay(String)

    enum Match: Equatable {
        case found(AdminRoute)
        case wrongMethod([String])
        case notFound
    }

    static func match(method: String, path: String) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.first == "admin" else { return .notFound }
        let rest = Array(parts.dropFirst())
        func only(_ m: String, _ route: AdminRoute) -> Match { method == m ? .found(route) : .wrongMethod([m]) }
        switch rest.count {
        case 1 where rest[0] == "events": return only("GET", .listEvents)
        case 1 where rest[0] == "sinks": return only("GET", .listSinks)
        case 2 where rest[0] == "events": return only("GET", .getEvent(rest[1]))
        case 3 where rest[0] == "sinks":
            switch rest[2] {
            case "pause": return only("POST", .pause(rest[1]))
            case "resume": return only("POST", .resume(rest[1]))
            case "retry-now": return only("POST", .retryNow(rest[1]))
            case "test": return only("POST", .test(rest[1]))
            case "replay": return only("POST", .replay(rest[1]))
            case "dead-letters": return only("GET", .deadLetters(rest[1]))
            case "attempts": return only("GET", .attempts(rest[1]))
            default: return .notFound
            }
        case 4 where rest[0] == "sinks" && rest[2] == "dead-letters":
            switch rest[3] {
            case "retry": return only("POST", .retryDeadLetters(rest[1]))
            case "drop": return only("POST", .dropDeadLetters(rest[1]))
            default: return .notFound
            }
        default: return .notFound
        }
    }
}
