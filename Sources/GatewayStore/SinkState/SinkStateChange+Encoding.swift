// Binary form of one sink-state log record: u8 version(1), u64 next dead-letter sequence (so
// sequences stay unique after compaction drops every dead letter), u32 change count, then each
// change as a u8 tag and its fields (ByteWriter conventions).

import GatewayCore

enum SinkStateRecord {
    static let version: UInt8 = 1

    static func encode(_ changes: [SinkStateChange], nextSequence: UInt64) -> [UInt8] {
        ByteWriter.bytes { w in
            w.u8(version)
            w.u64(nextSequence)
            w.u32(UInt32(changes.count))
            for change in changes {
                switch change {
                case let .cursor(p):
                    w.u8(1); w.position(p)
                case let .retry(r):
                    w.u8(2); w.position(r.position); w.string(r.eventID); w.i64(Int64(r.attempts))
                    w.timestamp(r.firstAttemptAt); w.timestamp(r.nextAttemptAt); w.optionalInt(r.lastStatus); w.string(r.lastError)
                case let .clearRetry(p):
                    w.u8(3); w.position(p)
                case let .deadLetter(d):
                    w.u8(4); w.u64(d.sequence); w.position(d.position); w.string(d.eventID); w.i64(Int64(d.attempts))
                    w.optionalInt(d.lastStatus); w.string(d.lastError); w.timestamp(d.time)
                case let .removeDeadLetter(seq):
                    w.u8(5); w.u64(seq)
                case let .pause(p):
                    w.u8(6); w.string(p.reason); w.timestamp(p.since)
                case .resume:
                    w.u8(7)
                case let .requeue(p):
                    w.u8(8); w.position(p)
                case let .removeRequeued(p):
                    w.u8(9); w.position(p)
                case let .skip(p):
                    w.u8(10); w.position(p)
                }
            }
        }
    }

    static func decode(_ bytes: [UInt8]) throws(StoreError) -> (nextSequence: UInt64, changes: [SinkStateChange]) {
        var r = ByteReader(bytes, what: "sink state record")
        let v = try r.u8()
        guard v == version else { throw StoreError.invalid("sink state record: unsupported version \(v)") }
        let nextSequence = try r.u64()
        let count = Int(try r.u32())
        guard count <= r.remaining else { throw StoreError.invalid("sink state record: change count \(count) exceeds the record") }
        var changes: [SinkStateChange] = []
        changes.reserveCapacity(count)
        for _ in 0..<count {
            switch try r.u8() {
            case 1:
                changes.append(.cursor(try r.position()))
            case 2:
                let p = try r.position(), id = try r.string(), attempts = Int(try r.i64())
                let first = try r.timestamp(), next = try r.timestamp(), status = try r.optionalInt(), error = try r.string()
                changes.append(.retry(RetryState(
                    position: p, eventID: id, attempts: attempts, firstAttemptAt: first, nextAttemptAt: next,
                    lastStatus: status, lastError: error)))
            case 3:
                changes.append(.clearRetry(try r.position()))
            case 4:
                let seq = try r.u64(), p = try r.position(), id = try r.string(), attempts = Int(try r.i64())
                let status = try r.optionalInt(), error = try r.string(), time = try r.timestamp()
                changes.append(.deadLetter(DeadLetter(
                    sequence: seq, position: p, eventID: id, attempts: attempts, lastStatus: status, lastError: error, time: time)))
            case 5:
                changes.append(.removeDeadLetter(sequence: try r.u64()))
            case 6:
                let reason = try r.string(), since = try r.timestamp()
                changes.append(.pause(PauseState(reason: reason, since: since)))
            case 7:
                changes.append(.resume)
            case 8:
                changes.append(.requeue(try r.position()))
            case 9:
                changes.append(.removeRequeued(try r.position()))
            case 10:
                changes.append(.skip(try r.position()))
            case let tag:
                throw StoreError.invalid("sink state record: unknown change tag \(tag)")
            }
        }
        try r.expectEnd()
        return (nextSequence, changes)
    }
}
