// The operator API on its own listener (default 127.0.0.1:8081), JSON over HTTP with a bearer
// token: events (list, get), sinks (status, pause, resume, test, recent attempts), dead letters
// (list, retry, drop) and replay. Health and metrics are served without a token, like on the
// webhook listener. Work that touches storage or a sink runs off the admin event loop, on a
// dispatch queue.

import Dispatch
import GatewayCore
import GatewayCrypto
import GatewayDelivery
import GatewayHTTP
import GatewayProviders
import GatewayStore

final class AdminHandler: HTTPHandler {
    private let token: Secret
    let delivery: DeliveryEngine
    let journal: Journal
    private let registry: MetricsRegistry
    private let health: HealthState
    let logger: Logger
    private let queue = DispatchQueue(label: "webhook-gateway.admin", attributes: .concurrent)

    init(token: Secret, delivery: DeliveryEngine, journal: Journal, registry: MetricsRegistry, health: HealthState, logger: Logger) {
        self.token = token
        self.delivery = delivery
        self.journal = journal
        self.registry = registry
        self.health = health
        self.logger = logger
    }

    func prepare(_ head: HTTPRequestHead) -> HeadVerdict {
        if HealthEndpoint(rawValue: head.path) != nil {
            return head.method == "GET" || head.method == "HEAD" ? .accept(bodyLimit: 0) : .reject(.methodNotAllowed(allow: ["GET", "HEAD"]))
        }
        guard head.path.hasPrefix("/admin/") else { return .reject(.notFound()) }
        guard authorized(head.headers) else {
            return .reject(.text(401, "missing or wrong bearer token\n", headers: HeaderFields([("www-authenticate", "Bearer")])))
        }
        switch AdminRoute.match(method: head.method, path: head.path) {
        case .found: return .accept(bodyLimit: 64 * 1024)
        case .wrongMethod(let allow): return .reject(.methodNotAllowed(allow: allow))
        case .notFound: return .reject(.notFound())
        }
    }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        if let probe = HealthEndpoint(rawValue: request.path) {
            responder.respond(probe.respond(health: health, registry: registry, head: request.method == "HEAD"))
            return
        }
        guard case .found(let route) = AdminRoute.match(method: request.method, path: request.path) else {
            responder.respond(.notFound())
            return
        }
        queue.async { [self] in
            let response: HTTPResponse
            do {
                response = try perform(route, request)
            } catch let error as AdminError {
                response = error.response
            } catch {
                logger.error("admin request failed: \(error)", [("path", request.path)])
                response = AdminError.status(500, "\(error)").response
            }
            responder.respond(response)
        }
    }

    private func authorized(_ headers: HeaderFields) -> Bool {
        guard let value = headers["authorization"], value.hasPrefix("Bearer ") else { return false }
        return constantTimeEquals(Array(value.utf8.dropFirst(7)), token.bytes)
    }
}

/// An error that renders itself as a JSON response.
struct AdminError: Error {
    var status: Int
    var message: String

    static func status(_ status: Int, _ message: String) -> AdminError { AdminError(status: status, message: message) }

    var response: HTTPResponse {
        var w = JSONWriter()
        w.beginObject()
        w.member("error", message)
        w.endObject()
        return .json(status, w.bytes)
    }
}
