// The journal's memory tail: reads it answers must equal what the segment files hold (positions,
// `next`, payloads), across segment rollovers and after eviction, where reads fall back to disk.

import GatewayCore
import Testing
@testable import GatewayStore

@Suite struct JournalTailTests {
    /// Varied sizes, so records pack segments unevenly and rollovers fall in different places.
    private func payload(_ i: Int) -> [UInt8] { bytes("record \(i) " + String(repeating: "x", count: (i * 37) % 500)) }

    @Test func tailReadsEqualDiskReadsAcrossRollovers() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let options = JournalOptions(fsync: .never, segmentSize: 8 << 10)
        let live = try Journal(directory: dir.path, options: options, logger: .silent)
        for i in 0..<300 { _ = try live.appendAndWait(payload(i)).get() }
        #expect(live.segmentNumbers.count > 5, "the test needs several rollovers")
        // What the live journal answers (tail where it can) ...
        let probes = try live.read(after: nil, limit: 1000).flatMap { [$0.position, $0.next] }
            + [JournalPosition(segment: 0, offset: 0), live.end, JournalPosition(segment: 999, offset: 0)]
        var fromTail: [[JournalEntry]] = []
        for p in probes { fromTail.append(try live.read(from: p, limit: 7)) }
        live.close()
        // ... must be what the files say once nothing is cached.
        let reopened = try Journal(directory: dir.path, options: options, logger: .silent)
        defer { reopened.close() }
        for (p, tailEntries) in zip(probes, fromTail) {
            let diskEntries = try reopened.read(from: p, limit: 7)
            #expect(tailEntries.map(\.position) == diskEntries.map(\.position), "from \(p)")
            #expect(tailEntries.map(\.next) == diskEntries.map(\.next), "from \(p)")
            #expect(tailEntries.map(\.payload) == diskEntries.map(\.payload), "from \(p)")
        }
    }

    @Test func recentRecordsCarryTheirEventOlderOnesComeFromDisk() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never, tailEntries: 10), logger: .silent)
        defer { journal.close() }
        var events: [StoredEvent] = []
        for i in 0..<30 {
            let e = StoredEvent(id: "evt_\(i)", source: "s", provider: "p", type: "t", providerEvent: "pe", dedupeKey: "k\(i)",
                                receivedAt: Timestamp(nanoseconds: Int64(i)), envelope: bytes("{\"n\":\(i)}"),
                                requestHeaders: HeaderFields([("x-a", "b")]), requestBody: bytes("body \(i)"))
            events.append(e)
            _ = try journal.appendAndWait(e.encoded(), event: e).get()
        }
        let all = try journal.read(after: nil, limit: 100)
        #expect(all.count == 30)
        #expect(all.allSatisfy { $0.cachedEvent == nil }, "a read starting before the tail comes from disk")
        let recent = try journal.read(from: all[20].position, limit: 100)
        #expect(recent.map(\.payload) == all[20...].map(\.payload))
        // The cached event is the record decoded without its raw request, as delivery decodes it.
        #expect(recent.map(\.cachedEvent) == events[20...].map { $0.withoutRequest })
        #expect(try recent.map { try StoredEvent(decoding: $0.payload, includingRequest: false) } == recent.map(\.cachedEvent!))
        // Each append evicts what the tail holds beyond its bound, so it keeps the 10 plus the
        // record committed after the last append: 19...29.
        #expect(try journal.read(from: all[19].position, limit: 1).first?.cachedEvent != nil)
        #expect(try journal.read(from: all[18].position, limit: 1).first?.cachedEvent == nil, "evicted: read from disk")
    }

    @Test func tailKeepsWithinItsBounds() {
        func entry(_ i: UInt64, size: Int) -> JournalEntry {
            JournalEntry(position: JournalPosition(segment: 1, offset: 100 * i), next: JournalPosition(segment: 1, offset: 100 * (i + 1)),
                         payload: [UInt8](repeating: 1, count: size))
        }
        /// Evicts until the tail is within its bounds; returns the offsets evicted.
        func evictAll(_ tail: inout JournalTail) -> [UInt64] {
            var evicted: [UInt64] = []
            while let e = tail.evictOldest() { evicted.append(e.position.offset) }
            return evicted
        }
        var byCount = JournalTail(maxEntries: 3, maxBytes: 1 << 20)
        for i in 0..<5 { byCount.append(entry(UInt64(i), size: 10)) }
        #expect(byCount.count == 5, "appending evicts nothing")
        #expect(evictAll(&byCount) == [0, 100], "the oldest first, until within the bound")
        #expect(byCount.count == 3)
        #expect(byCount.read(from: JournalPosition(segment: 1, offset: 100), limit: 10) == nil, "evicted position")
        #expect(byCount.read(from: JournalPosition(segment: 1, offset: 200), limit: 10)?.count == 3)
        #expect(byCount.read(from: JournalPosition(segment: 1, offset: 250), limit: 10)?.map(\.position.offset) == [300, 400])
        #expect(byCount.read(from: JournalPosition(segment: 2, offset: 0), limit: 10) == [], "past the end: nothing yet")

        var byBytes = JournalTail(maxEntries: 100, maxBytes: 25)
        for i in 0..<5 { byBytes.append(entry(UInt64(i), size: 10)) }
        #expect(evictAll(&byBytes) == [0, 100, 200])
        #expect(byBytes.count == 2)
        byBytes.append(entry(5, size: 26))
        #expect(byBytes.count == 0, "a record larger than the bound empties the tail instead of leaving a gap")
        #expect(byBytes.read(from: JournalPosition(segment: 1, offset: 500), limit: 1) == nil)
    }
}
