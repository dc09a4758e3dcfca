// What a sink plugin receives besides its own configuration keys: values owned by the host's
// sink envelope that some sink types need (the HTTP sink sizes its pool by `concurrency` and
// classifies 4xx by `onClientError`).

public import GatewayCore

public struct SinkContext: Sendable {
    public var name: String
    public var concurrency: Int
    public var onClientError: RetryPolicy.ClientErrorHandling
    public var logger: Logger
    public var clock: any DeliveryClock

    public init(name: String, concurrency: Int = 4, onClientError: RetryPolicy.ClientErrorHandling = .deadLetter,
                logger: Logger = .silent, clock: any DeliveryClock = SystemClock()) {
        self.name = name
        self.concurrency = concurrency
        self.onClientError = onClientError
        self.logger = logger
        self.clock = clock
    }
}
