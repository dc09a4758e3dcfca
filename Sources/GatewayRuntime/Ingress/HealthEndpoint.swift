// GET /healthz (the process answers), /readyz (ready for traffic) and /metrics (Prometheus text).

import GatewayCore
import GatewayHTTP

enum HealthEndpoint: String {
    case live = "/healthz"
    case ready = "/readyz"
    case metrics = "/metrics"

    func respond(health: HealthState, registry: MetricsRegistry, head: Bool) -> HTTPResponse {
        var response: HTTPResponse
        switch self {
        case .live:
            response = .text(200, "ok\n")
        case .ready:
            if let reason = health.notReadyReason {
                response = .text(503, "not ready: \(reason)\n")
            } else {
                response = .text(200, "ready\n")
            }
        case .metrics:
            response = HTTPResponse(status: 200, headers: HeaderFields([("content-type", "text/plain; version=0.0.4; charset=utf-8")]),
                                    body: Array(registry.render().utf8))
        }
        if head { response.body = [] }
        return response
    }
}
