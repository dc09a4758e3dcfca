// The durable delivery state of one sink: how far it got through the journal, what it is retrying,
// what it gave up on, whether it is paused, and which older events must be delivered again.

public import GatewayCore

/// An event the sink is retrying: kept so a restart resumes the schedule instead of starting over.
public struct RetryState: Sendable, Equatable {
    public var position: JournalPosition
    public var eventID: String
    /// Attempts made so far (the first delivery counts as 1).
    public var attempts: Int
    public var firstAttemptAt: Timestamp
    public var nextAttemptAt: Timestamp
    /// HTTP status of the last attempt, nil for timeouts and connection errors.
    public var lastStatus: Int?
    public var lastError: String

    public init(
        position: JournalPosition, eventID: String, attempts: Int, firstAttemptAt: Timestamp, nextAttemptAt: Timestamp,
        lastStatus: Int? = nil, lastError: String
    ) {
        self.position = position
        self.eventID = eventID
        self.attempts = attempts
        self.firstAttemptAt = firstAttemptAt
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
    }
}

/// An event the sink gave up on (permanent failure or retry window exhausted).
public struct DeadLetter: Sendable, Equatable {
    /// Assigned by the store, increasing, never reused: the id the CLI and admin API show.
    public var sequence: UInt64
    public var position: JournalPosition
    public var eventID: String
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String
    /// When the event was dead-lettered.
    public var time: Timestamp

    public init(
        sequence: UInt64 = 0, position: JournalPosition, eventID: String, attempts: Int, lastStatus: Int? = nil,
        lastError: String, time: Timestamp
    ) {
        self.sequence = sequence
        self.position = position
        self.eventID = eventID
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.time = time
    }
}

public struct PauseState: Sendable, Equatable {
    public var reason: String
    public var since: Timestamp

    public init(reason: String, since: Timestamp) {
        self.reason = reason
        self.since = since
    }
}

/// A snapshot of everything SinkStateStore keeps for one sink.
public struct SinkState: Sendable, Equatable {
    /// Every journal record before this position is delivered or dead-lettered; nil when the sink
    /// has never acknowledged anything (it starts where its configuration says: usually the journal
    /// end at first start).
    public var cursor: JournalPosition?
    /// In-flight retries by journal position.
    public var retries: [JournalPosition: RetryState]
    /// Oldest first.
    public var deadLetters: [DeadLetter]
    public var paused: PauseState?
    /// Records before the cursor to deliver again (dead letters sent back, replays), oldest first.
    public var requeued: [JournalPosition]
    /// Records at or after the cursor that were dead letters until an operator dropped them or
    /// sent them back, or that were delivered while an earlier record was not (written at a clean
    /// stop): the stream must still pass over them after a restart, or the event would be
    /// delivered (and maybe dead-lettered) again. Sorted; they go once the cursor passes them.
    public var skipped: [JournalPosition]
    /// The sequence the next dead letter gets.
    public var nextDeadLetterSequence: UInt64

    public init() {
        cursor = nil
        retries = [:]
        deadLetters = []
        paused = nil
        requeued = []
        skipped = []
        nextDeadLetterSequence = 1
    }
}

/// One durable change; `SinkStateStore.update` applies several with one write and one fdatasync.
public enum SinkStateChange: Sendable, Equatable {
    case cursor(JournalPosition)
    case retry(RetryState)
    case clearRetry(JournalPosition)
    /// The store assigns `sequence` (the value passed in is ignored).
    case deadLetter(DeadLetter)
    case removeDeadLetter(sequence: UInt64)
    case pause(PauseState)
    case resume
    case requeue(JournalPosition)
    case removeRequeued(JournalPosition)
    /// Ignored for a record before the cursor (the stream has passed it for good).
    case skip(JournalPosition)
}

extension SinkState {
    /// Applies `change`; returns it as it must be logged (dead letters with their sequence).
    mutating func apply(_ change: SinkStateChange) -> SinkStateChange {
        switch change {
        case let .cursor(p):
            cursor = p
            skipped.removeFirst(SinkState.lowerBound(skipped, p))
        case let .retry(r):
            retries[r.position] = r
        case let .clearRetry(p):
            retries[p] = nil
        case var .deadLetter(d):
            d.sequence = nextDeadLetterSequence
            nextDeadLetterSequence += 1
            deadLetters.append(d)
            return .deadLetter(d)
        case let .removeDeadLetter(seq):
            // Sequences are assigned in increasing order, so the list is sorted by them.
            var lo = 0, hi = deadLetters.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if deadLetters[mid].sequence < seq { lo = mid + 1 } else { hi = mid }
            }
            if lo < deadLetters.count && deadLetters[lo].sequence == seq { deadLetters.remove(at: lo) }
        case let .pause(p):
            paused = p
        case .resume:
            paused = nil
        case let .requeue(p):
            // Replays requeue thousands of positions in journal order: appending is the fast path.
            if requeued.last.map({ $0 < p }) ?? true {
                requeued.append(p)
            } else {
                let i = SinkState.lowerBound(requeued, p)
                if requeued[i] != p { requeued.insert(p, at: i) }
            }
        case let .removeRequeued(p):
            let i = SinkState.lowerBound(requeued, p)
            if i < requeued.count && requeued[i] == p { requeued.remove(at: i) }
        case let .skip(p):
            guard cursor.map({ p >= $0 }) ?? true else { break }
            let i = SinkState.lowerBound(skipped, p)
            if i == skipped.count || skipped[i] != p { skipped.insert(p, at: i) }
        }
        return change
    }

    /// Applies a change read back from the log: dead letters keep their recorded sequence.
    mutating func replay(_ change: SinkStateChange) {
        if case let .deadLetter(d) = change {
            deadLetters.append(d)
            nextDeadLetterSequence = max(nextDeadLetterSequence, d.sequence + 1)
        } else {
            _ = apply(change)
        }
    }

    /// Index of the first element of sorted `list` that is not below `p`.
    static func lowerBound(_ list: [JournalPosition], _ p: JournalPosition) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < p { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The changes that rebuild this state from nothing (log compaction).
    var asChanges: [SinkStateChange] {
        var out: [SinkStateChange] = []
        if let cursor { out.append(.cursor(cursor)) }
        out.append(contentsOf: retries.values.sorted { $0.position < $1.position }.map { .retry($0) })
        out.append(contentsOf: deadLetters.map { .deadLetter($0) })
        if let paused { out.append(.pause(paused)) }
        out.append(contentsOf: requeued.map { .requeue($0) })
        out.append(contentsOf: skipped.map { .skip($0) })
        return out
    }
}
