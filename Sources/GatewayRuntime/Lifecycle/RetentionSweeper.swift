// Deletes journal segments that no sink needs any more and that are older than
// `storage.retention` (kept that long for replay). Runs once a minute off every hot path.

import Dispatch
import GatewayCore
import GatewayDelivery
import GatewayStore

final class RetentionSweeper: Sendable {
    private let journal: Journal
    private let delivery: DeliveryEngine
    private let retention: Double
    private let logger: Logger
    private let interval: Double
    /// Signalled by `stop`; the sweeping loop waits on it with the interval as timeout.
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    init(journal: Journal, delivery: DeliveryEngine, retention: Double, logger: Logger, every interval: Double = 60) {
        self.journal = journal
        self.delivery = delivery
        self.retention = retention
        self.logger = logger
        self.interval = interval
    }

    func start() {
        DispatchQueue(label: "webhook-gateway.retention").async { [self] in
            while stopped.wait(timeout: .now() + interval) == .timedOut { sweep() }
            finished.signal()
        }
    }

    /// Stops the loop and waits for a sweep in progress, so storage can close after it.
    func stop() {
        stopped.signal()
        finished.wait()
    }

    func sweep() {
        let floor = delivery.retentionFloor() ?? journal.end
        let removed = journal.removeSegments(fullyBefore: floor, olderThan: Timestamp.now().adding(seconds: -retention))
        if removed > 0 { logger.info("retention removed journal segments", [("segments", String(removed)), ("floor", floor.description)]) }
    }
}
