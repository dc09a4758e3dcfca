// Shared helpers: temporary storage, events, a journal appender that waits for durability, a
// scripted sink that records what it was given, and polling with a deadline.

import Foundation
import GatewayCore
import GatewayStore
import Synchronization
@testable import GatewayDelivery

func temporaryDirectory(_ label: String = "delivery") -> String {
    var template = Array("/tmp/\(label)-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    return path
}

func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

func makeEvent(_ id: String, session: String? = nil, type: String = "session.joined", provider: String = "recall",
               source: String = "recall", receivedAt: Timestamp = .now()) -> StoredEvent {
    let envelope = """
    {"specversion":"1.0","id":"\(id)","source":"/sources/\(source)","type":"\(type)",\
    \(session.map { "\"subject\":\"\($0)\"," } ?? "")"time":"\(receivedAt.rfc3339())",\
    "datacontenttype":"application/json","provider":"\(provider)","providerevent":"bot.x",\
    "data":{"provider":"\(provider)","session":\(session.map { "{\"id\":\"\($0)\"}" } ?? "null"),"n":1.50}}
    """
    return StoredEvent(id: id, source: source, provider: provider, type: type, providerEvent: "bot.x", dedupeKey: id,
                       sessionID: session, partitionKey: session.map { "\(provider):\($0)" }, receivedAt: receivedAt,
                       envelope: Array(envelope.utf8), requestID: "req-\(id)", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
}

/// Appends and waits until the record is durable.
@discardableResult
func append(_ journal: Journal, _ event: StoredEvent) -> JournalPosition {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<JournalPosition?>(nil)
    journal.append(event.encoded()) { r in
        if case .success(let p) = r { result.withLock { $0 = p } }
        done.signal()
    }
    done.wait()
    return result.withLock { $0 }!
}

/// Polls `condition` every 5 ms until it holds or `timeout` seconds pass.
func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

/// A sink whose outcome per attempt comes from `script(eventID, attemptNumber)`; records every
/// attempt and every successful delivery in order.
final class ScriptedSink: Sink {
    let name: String
    let batchLimit: Int
    private let script: @Sendable (String, Int) -> DeliveryOutcome
    private let delay: Double
    private let log = Mutex<(attempts: [String], delivered: [String])>(([], []))
    private let batchLog = Mutex<[[StoredEvent]]>([])

    init(name: String = "test", delay: Double = 0, batchLimit: Int = 1,
         script: @escaping @Sendable (String, Int) -> DeliveryOutcome = { _, _ in .delivered(status: 200) }) {
        self.name = name
        self.delay = delay
        self.batchLimit = batchLimit
        self.script = script
    }

    func deliver(batch events: [StoredEvent]) -> [DeliveryOutcome] {
        batchLog.withLock { $0.append(events) }
        return events.map { deliver($0) }
    }

    /// Every `deliver(batch:)` call's events (single-event calls go to `deliver` and are not here).
    var batches: [[StoredEvent]] { batchLog.withLock { $0 } }

    func deliver(_ event: StoredEvent) -> DeliveryOutcome {
        if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
        let attempt = log.withLock { l -> Int in
            l.attempts.append(event.id)
            return l.attempts.filter { $0 == event.id }.count
        }
        let outcome = script(event.id, attempt)
        if case .delivered = outcome { log.withLock { $0.delivered.append(event.id) } }
        return outcome
    }

    var attempts: [String] { log.withLock { $0.attempts } }
    var delivered: [String] { log.withLock { $0.delivered } }
}

/// A journal plus storage directory that tests open engines over, closed at the end.
final class Harness {
    let directory: String
    let journal: Journal

    init() throws {
        directory = temporaryDirectory()
        journal = try Journal(directory: directory, options: JournalOptions(fsync: .never), logger: .silent)
    }

    func engine(_ sinks: [ConfiguredSink], flushInterval: Double = 0.01, windowBytes: Int = 32 << 20,
                attemptHistory: Int = 10_000) throws -> DeliveryEngine {
        try DeliveryEngine(journal: journal, storageDirectory: directory, sinks: sinks, logger: .silent,
                           options: .init(window: 1024, windowBytes: windowBytes, flushInterval: flushInterval,
                                          attemptHistory: attemptHistory))
    }

    func close() {
        journal.close()
        removeDirectory(directory)
    }
}

/// Fast schedules so retry tests take milliseconds.
func fastRetry(_ delays: [Double] = [0.05, 0.05, 0.05, 0.05, 0.05], on4xx: RetryPolicy.ClientErrorHandling = .deadLetter) -> RetryPolicy {
    RetryPolicy(backoff: .schedule(delays), jitter: 0, onClientError: on4xx)
}

/// A clock tests move by hand.
final class ManualClock: DeliveryClock {
    private let time: Mutex<Timestamp>
    init(_ start: Timestamp) { time = Mutex(start) }
    func now() -> Timestamp { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 = $0.adding(seconds: seconds) } }
}
