// `http` sink: POSTs each event to one URL over a pooled keep-alive client, signed per Standard
// Webhooks with the sink's own secret, and turns the response into a DeliveryOutcome.

public import GatewayCore
public import GatewayHTTP
public import GatewayStore

public struct HTTPSink: Sink {
    public struct Configuration: Sendable {
        public var url: HTTPURL
        /// Sent with every request (before the gateway's own headers, which cannot be overridden).
        public var headers: HeaderFields
        public var mode: HTTPSinkMode
        /// nil sends unsigned requests (the config decoder warns about it).
        public var signer: StandardWebhooksSigner?
        public var onClientError: RetryPolicy.ClientErrorHandling

        public init(url: HTTPURL, headers: HeaderFields = HeaderFields(), mode: HTTPSinkMode = .structured,
                    signer: StandardWebhooksSigner? = nil, onClientError: RetryPolicy.ClientErrorHandling = .deadLetter) {
            self.url = url
            self.headers = headers
            self.mode = mode
            self.signer = signer
            self.onClientError = onClientError
        }
    }

    /// Header names the sink sets itself; configuring them is an error rather than a silent override.
    public static let reservedHeaders: Set<String> = [
        "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length",
        "transfer-encoding", "host", "connection", "traceparent", "x-request-id",
    ]

    public let name: String
    public let configuration: Configuration
    public let client: HTTPClient
    private let clock: any DeliveryClock

    public init(name: String, configuration: Configuration, client: HTTPClient, clock: any DeliveryClock = SystemClock()) {
        self.name = name
        self.configuration = configuration
        self.client = client
        self.clock = clock
    }

    public func deliver(_ event: StoredEvent) -> DeliveryOutcome {
        let request: HTTPClientRequest
        do {
            request = try makeRequest(for: event, now: clock.now())
        } catch {
            return .permanent(reason: error.description)
        }
        let response: HTTPClientResponse
        do {
            response = try client.send(request)
        } catch {
            // A request the client refuses to form (e.g. header bytes a receiver could be attacked
            // with) fails the same way every time: dead-letter it instead of retrying for days.
            return error.isRetryable ? .retry(reason: error.description, after: nil) : .permanent(reason: error.description)
        }
        return DeliveryOutcome.classify(status: response.status, headers: response.headers, now: clock.now(),
                                        onClientError: configuration.onClientError)
    }

    public func close() { client.close() }

    /// The exact request for `event` (public so the admin "test webhook" view can show it).
    public func makeRequest(for event: StoredEvent, now: Timestamp) throws(HTTPSinkError) -> HTTPClientRequest {
        let message: CloudEventsHTTP.Message
        do {
            message = try CloudEventsHTTP.message(envelope: event.envelope, mode: configuration.mode)
        } catch {
            throw HTTPSinkError(description: error.description)
        }
        var headers = configuration.headers
        for (n, v) in message.headers { headers.set(n, v) }
        if let requestID = event.requestID { headers.set("x-request-id", requestID) }
        if let traceparent = event.traceparent { headers.set("traceparent", traceparent) }
        if let signer = configuration.signer {
            signer.sign(&headers, id: event.id, timestamp: now.seconds, body: message.body)
        } else {
            // Receivers dedupe on webhook-id even when they do not verify signatures.
            headers.set("webhook-id", event.id)
            headers.set("webhook-timestamp", String(now.seconds))
        }
        return HTTPClientRequest(method: "POST", url: configuration.url, headers: headers, body: message.body)
    }
}

public struct HTTPSinkError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
