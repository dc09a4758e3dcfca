// Where one journal record stands at a sink. The cursor alone cannot say: it is a low-water mark,
// so records ahead of it may be finished already (dead-lettered, or dropped by an operator) and
// records behind it may be queued again (replays, dead letters sent back). Every view of per-sink
// state asks here rather than comparing a position with the cursor.

extension SinkState {
    public enum RecordState: Sendable, Equatable {
        /// The sink is finished with it: delivered, or dead-lettered and then dropped.
        case done
        /// Still to be delivered: not reached yet, retrying, or queued again.
        case pending
        case deadLetter(DeadLetter)
    }

    /// The state of the record at `position`. Behind the cursor a dropped dead letter cannot be
    /// told from a delivered event (both are done); ahead of it, `skipped` still holds it.
    public func state(of position: JournalPosition) -> RecordState {
        if let letter = deadLetters.first(where: { $0.position == position }) { return .deadLetter(letter) }
        if SinkState.contains(requeued, position) { return .pending }
        if let cursor, position < cursor { return .done }
        // A dead letter sent back is in `skipped` too, but stays in `requeued` until redelivered.
        if SinkState.contains(skipped, position) { return .done }
        return .pending
    }

    private static func contains(_ sorted: [JournalPosition], _ p: JournalPosition) -> Bool {
        let i = lowerBound(sorted, p)
        return i < sorted.count && sorted[i] == p
    }
}
