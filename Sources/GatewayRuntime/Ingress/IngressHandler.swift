// The webhook endpoint: route → verify → normalise → dedupe → journal → answer, where the answer
// (2xx) is only sent once the journal says the event is durable. CPU work runs on the event loop
// (it is a few microseconds); the loop never waits for a sync: the journal's writer thread syncs
// and wakes the loop, whose next round answers (under `fsync: never` the loop writes its round
// itself). Health endpoints share the listener so load balancers can probe it.

import GatewayCore
import GatewayHTTP
import GatewayProviders
import GatewayStore
import Synchronization

final class IngressHandler: HTTPHandler {
    /// The routing graph and, by `SourceRoute.index`, each source's success-path metrics (swapped
    /// together on reload).
    private let graph: Mutex<(IngressGraph, [IngressMetrics.SourceChildren])>
    private let journal: Journal
    private let dedupe: DedupeIndex
    private let sessions: SessionStateTracker
    private let metrics: IngressMetrics
    private let registry: MetricsRegistry
    private let logger: Logger
    private let health: HealthState
    /// Webhooks waiting for the journal; above `maxInFlight` new ones get 429 + Retry-After.
    private let inFlight = Atomic<Int>(0)
    private let maxInFlight: Int

    init(graph: IngressGraph, journal: Journal, dedupe: DedupeIndex, sessions: SessionStateTracker,
         registry: MetricsRegistry, metrics: IngressMetrics, health: HealthState, logger: Logger, maxInFlight: Int) {
        self.graph = Mutex((graph, IngressHandler.children(of: graph, metrics)))
        self.journal = journal
        self.dedupe = dedupe
        self.sessions = sessions
        self.registry = registry
        self.metrics = metrics
        self.health = health
        self.logger = logger
        self.maxInFlight = maxInFlight
    }

    /// Webhooks accepted and waiting for the journal (a metric).
    var waitingForJournal: Int { inFlight.load(ordering: .relaxed) }

    /// Swaps the routing graph (reload). Requests already past `prepare` finish on the old one.
    func replace(_ newGraph: IngressGraph) {
        let children = IngressHandler.children(of: newGraph, metrics)
        graph.withLock { $0 = (newGraph, children) }
    }

    var current: IngressGraph { graph.withLock { $0.0 } }

    private static func children(of graph: IngressGraph, _ metrics: IngressMetrics) -> [IngressMetrics.SourceChildren] {
        graph.sources.map { metrics.children(source: $0.name) }
    }

    // MARK: HTTPHandler

    // Source routes are looked up before the probe paths: they are the traffic, and the graph
    // never lets a source take a probe's path (matching the probes first was a string switch per
    // request, twice).
    func prepare(_ head: HTTPRequestHead) -> HeadVerdict {
        let g = current
        let limit: Int
        if let route = g.routes[head.path] {
            limit = route.bodyLimit
        } else if HealthEndpoint(rawValue: head.path) != nil {
            return head.method == "GET" || head.method == "HEAD" ? .accept(bodyLimit: 0) : .reject(.methodNotAllowed(allow: ["GET", "HEAD"]))
        } else if head.path == IngressGraph.autoDetectPath {
            limit = g.largestBodyLimit
        } else {
            return .reject(.notFound())
        }
        guard head.method == "POST" else { return .reject(.methodNotAllowed(allow: ["POST"])) }
        return .accept(bodyLimit: limit)
    }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let (g, children) = graph.withLock { $0 }
        let direct = g.routes[request.path]
        if direct == nil, let probe = HealthEndpoint(rawValue: request.path) {
            responder.respond(probe.respond(health: health, registry: registry, head: request.method == "HEAD"))
            return
        }
        let started = Timestamp.now()
        let requestID = RequestID.from(request.headers)
        let webhook = InboundWebhook(method: request.method, path: request.path, headers: request.headers,
                                     body: request.body, receivedAt: started)
        let route: SourceRoute
        let verified: Bool
        if let r = direct {
            (route, verified) = (r, false)
        } else {
            // Auto-detection already verified the signature to choose the source.
            guard let r = detect(webhook, in: g, requestID: requestID) else {
                answer(responder, .text(401, "unauthorized\n"), source: "auto", requestID: requestID, started: started)
                return
            }
            (route, verified) = (r, true)
        }
        ingest(webhook, route: route, metrics: children[route.index], verified: verified, requestID: requestID,
               traceparent: TraceContext.traceparent(continuing: request.headers.value(lowercased: "traceparent")), responder: responder, started: started)
    }

    /// Answers what the journal finished; the round's records wait for the end of the loop's busy
    /// period, so that one sync covers it (`commitDeferred(moreComing:)`).
    func eventLoopDidProcessEvents() { journal.commitDeferred(moreComing: true) }

    func eventLoopWillWait() { journal.commitDeferred() }

    /// Under `fsync: never` every round is written at its end: there is no sync to share.
    var wantsEventLoopWillWait: Bool { journal.syncsWrites }

    // MARK: The ingest path

    private func ingest(_ webhook: InboundWebhook, route: SourceRoute, metrics sourceMetrics: IngressMetrics.SourceChildren, verified: Bool, requestID: String, traceparent: String,
                        responder: HTTPResponder, started: Timestamp) {
        if route.awaitsSecret {
            logger.warning("source has no secret configured: answering 503 until it is set", [
                ("source", route.name), ("set", route.unsetVariables.joined(separator: " or ")), ("request_id", requestID)])
            answer(responder, .text(503, "source not configured\n", headers: HeaderFields([("retry-after", "60")])),
                   source: route.name, requestID: requestID, started: started)
            return
        }
        var verification: Verified?
        if route.verifies, !verified {
            do {
                verification = try route.verify(webhook)
            } catch {
                metrics.verificationFailures.labels(route.name, error.metricReason).increment()
                logger.warning("webhook refused: \(error)", [("source", route.name), ("request_id", requestID)])
                answer(responder, .text(401, "unauthorized\n"), source: route.name, requestID: requestID, started: started)
                return
            }
        }
        let processed: ProcessedWebhook
        do {
            processed = try route.provider.process(webhook, source: route.name, keepRaw: route.keepRaw, verified: verification,
                                                   sessions: sessions, traceparent: traceparent)
        } catch {
            logger.warning("webhook refused: \(error)", [("source", route.name), ("request_id", requestID)])
            answer(responder, .text(400, "bad request: \(error)\n"), source: route.name, requestID: requestID, started: started)
            return
        }
        // The event id is deterministic from the source and the provider's dedupe key: it is the key.
        let dedupeKey = DedupeKey(processed.eventID)
        switch dedupe.claim(dedupeKey, now: started) {
        case .duplicate:
            metrics.duplicates.labels(route.name).increment()
            logger.debug("duplicate webhook", [("source", route.name), ("event_id", processed.eventID), ("request_id", requestID)])
            answer(responder, .json(200, Array(#"{"ok":true,"duplicate":true,"id":"\#(processed.eventID)"}"#.utf8)),
                   source: route.name, requestID: requestID, started: started)
            return
        case .inFlight:
            // The same event is being journaled by a concurrent request that may still fail: let
            // the vendor retry rather than claim success for an event that might not exist.
            answer(responder, .text(409, "the same event is being stored; retry\n", headers: HeaderFields([("retry-after", "1")])),
                   source: route.name, requestID: requestID, started: started)
            return
        case .new:
            break
        }
        let admitted = inFlight.add(1, ordering: .relaxed).newValue
        if admitted > maxInFlight {
            inFlight.subtract(1, ordering: .relaxed)
            dedupe.release(dedupeKey)
            answer(responder, .text(429, "overloaded; retry later\n", headers: HeaderFields([("retry-after", "1")])),
                   source: route.name, requestID: requestID, started: started)
            return
        }
        // The raw request is written into the record but left out of the event, which the
        // journal keeps in its memory tail without it.
        let stored = StoredEvent(
            id: processed.eventID, source: route.name, provider: route.provider.id, type: processed.event.type.rawValue,
            providerEvent: processed.event.providerEvent, dedupeKey: processed.dedupeKey,
            sessionID: processed.event.session?.id, partitionKey: processed.partitionKey,
            occurredAt: processed.event.occurredAt, receivedAt: started, envelope: processed.envelope,
            requestID: requestID, traceparent: traceparent)
        let cannedBody = processed.responseBody.map { route.response ?? $0 }
        // The records of a busy period are committed together when the loop runs out of work
        // (eventLoopWillWait), so they share one write and one fdatasync.
        // The completion captures only what it uses: capturing `processed` and `route` copied two
        // large structs into every closure (visible in perf as their copy and destroy).
        let eventID = processed.eventID, source = route.name
        journal.append(stored.encoded(requestHeaders: webhook.headers, requestBody: webhook.body), event: stored, deferCommit: true) { [self] result in
            inFlight.subtract(1, ordering: .relaxed)
            switch result {
            case .success(let position):
                dedupe.commit(dedupeKey, at: position)
                health.storageSucceeded()
                // Built here, not captured: `answer` adds a header, and to a captured response
                // that meant copying its header list (a malloc).
                answer(responder, IngressHandler.successResponse(eventID: eventID, cannedBody: cannedBody),
                       source: source, requestID: requestID, started: started, metrics: sourceMetrics)
            case .failure(let error):
                dedupe.release(dedupeKey)
                health.storageFailed()
                logger.error("journal append failed: \(error)", [("source", source), ("event_id", eventID), ("request_id", requestID)])
                answer(responder, .text(503, "storage unavailable; retry later\n", headers: HeaderFields([("retry-after", "5")])),
                       source: source, requestID: requestID, started: started)
            }
        }
    }

    /// 200 with the event id, or the configured answer body (Retell `call_inbound` reads it).
    private static func successResponse(eventID id: String, cannedBody: [UInt8]?) -> HTTPResponse {
        // Room for content-type and the x-request-id `answer` adds: a list made for one field
        // was reallocated for the second.
        let headers = HeaderFields(capacity: 2)
        if let cannedBody { return .json(200, cannedBody, headers: headers) }
        // Copied into an array of the exact size: interpolating a String and copying it out cost
        // three allocations, appending to a reserved array ~950 instructions.
        let open: StaticString = #"{"ok":true,"id":""#, close: StaticString = #""}"#
        let size = open.utf8CodeUnitCount + id.utf8.count + close.utf8CodeUnitCount
        let body = [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
            let start = out.baseAddress!, idStart = start + open.utf8CodeUnitCount
            start.update(from: open.utf8Start, count: open.utf8CodeUnitCount)
            id.withUTF8Bytes { if let b = $0.baseAddress { idStart.update(from: b, count: $0.count) } }
            (start + size - close.utf8CodeUnitCount).update(from: close.utf8Start, count: close.utf8CodeUnitCount)
            initialized = size
        }
        return .json(200, body, headers: headers)
    }

    /// The one source whose signature the request carries, among those its headers suggest.
    /// None, or more than one, is a 401: the gateway never guesses whose event it is.
    private func detect(_ webhook: InboundWebhook, in g: IngressGraph, requestID: String) -> SourceRoute? {
        let candidates = g.detectCandidates(webhook.headers)
        let verified = candidates.filter { (try? $0.verify(webhook)) != nil }
        if verified.count == 1 { return verified[0] }
        logger.warning(verified.isEmpty ? "auto-detect: no source verified the webhook" : "auto-detect: more than one source verified the webhook", [
            ("candidates", candidates.map(\.name).joined(separator: ",")),
            ("verified", verified.map(\.name).joined(separator: ",")), ("request_id", requestID)])
        return nil
    }

    /// `metrics`: the source's cached children, for the common 200 (other answers look theirs up).
    /// `consuming`: a response made for the call gains its header in place, not in a copy.
    private func answer(_ responder: HTTPResponder, _ r: consuming HTTPResponse, source: String, requestID: String,
                        started: Timestamp, metrics cached: IngressMetrics.SourceChildren? = nil) {
        r.headers.add("x-request-id", requestID, nameIsLowercase: true)
        let seconds = Timestamp.now().seconds(since: started)
        if let cached, r.status == 200 {
            cached.accepted.increment()
            cached.ingestSeconds.observe(seconds)
        } else {
            metrics.requests.labels(source, String(r.status)).increment()
            metrics.ingestSeconds.labels(source).observe(seconds)
        }
        responder.respond(r)
    }
}

extension VerificationFailure {
    /// A bounded label value for the failures metric (never free text).
    var metricReason: String {
        switch reason {
        case .missingHeader: "missing_header"
        case .badFormat: "bad_format"
        case .staleTimestamp: "stale_timestamp"
        case .futureTimestamp: "future_timestamp"
        case .mismatch: "mismatch"
        case .noSecret: "no_secret"
        }
    }
}
