// The bare HTTP server answering 200 `{"ok":true}` to POST /webhooks/recall with no work, so
// bench/http-noop.sh can measure what the event loop and codec cost against nginx.
//   http-noop-server [--port N] [--loops N]

import GatewayCore
import GatewayHTTP
#if canImport(Glibc)
import Glibc
#endif

struct NoopHandler: HTTPHandler {
    static let ok = HTTPResponse.json(200, Array(#"{"ok":true}"#.utf8))

    func prepare(_ head: HTTPRequestHead) -> HeadVerdict {
        guard head.path == "/webhooks/recall" else { return .reject(.notFound()) }
        guard head.method == "POST" else { return .reject(.methodNotAllowed(allow: ["POST"])) }
        return .accept(bodyLimit: 1 << 20)
    }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        responder.respond(NoopHandler.ok)
    }
}

var port = 8080
var loops = 1
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--port": port = Int(args.next() ?? "") ?? port
    case "--loops": loops = Int(args.next() ?? "") ?? loops
    default:
        print("usage: http-noop-server [--port N] [--loops N]")
        exit(2)
    }
}

// Blocked before the loop threads start so they inherit the mask and only sigwait sees them.
var set = sigset_t()
sigemptyset(&set)
sigaddset(&set, SIGINT)
sigaddset(&set, SIGTERM)
pthread_sigmask(SIG_BLOCK, &set, nil)
let server = HTTPServer(
    // Unlimited requests per connection, like the nginx peer's keepalive_requests 1000000.
    configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port, eventLoops: loops, maxRequestsPerConnection: 0),
    handler: NoopHandler(), logger: .silent)
do {
    let bound = try server.start()
    print("http-noop-server listening on 127.0.0.1:\(bound) with \(loops) loop(s)")
} catch {
    print("http-noop-server: \(error)")
    exit(1)
}
// Park the main thread until SIGINT/SIGTERM, then shut down gracefully.
var sig: Int32 = 0
sigwait(&set, &sig)
server.shutdown(grace: 2)
