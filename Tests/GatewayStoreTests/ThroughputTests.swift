// Prints journal append throughput (fsync always vs never) and CRC32C speed. No assertion on the
// figures (they depend on the disk and on everything else running); each run is bounded to about
// half a second per case so the suite stays fast. For meaningful numbers run in release:
//   swift test -c release -Xswiftc -enable-testing --filter ThroughputTests

import Dispatch
import GatewayCore
import Synchronization
import Testing
@testable import GatewayStore

@Suite(.serialized) struct ThroughputTests {
    /// Appends 1 KiB records from `producers` threads with up to `window` appends in flight (like
    /// that many concurrent HTTP requests waiting for their 200) for about `seconds`.
    static func measure(_ policy: FsyncPolicy, producers: Int = 2, window: Int = 1024, seconds: Double = 0.5) throws -> (Double, JournalStatistics) {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: policy), logger: .silent)
        defer { journal.close() }
        let payload = [UInt8](repeating: 0x7B, count: 1024)
        let slots = DispatchSemaphore(value: window)
        let completed = Atomic<Int>(0)
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        DispatchQueue.concurrentPerform(iterations: producers) { _ in
            while DispatchTime.now().uptimeNanoseconds < deadline {
                slots.wait()
                journal.append(payload) { _ in
                    completed.add(1, ordering: .relaxed)
                    slots.signal()
                }
            }
        }
        for _ in 0..<window { slots.wait() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // libdispatch traps when a semaphore is freed below its initial value.
        for _ in 0..<window { slots.signal() }
        return (Double(completed.load(ordering: .relaxed)) / elapsed, journal.statistics)
    }

    @Test func printsAppendsPerSecondWithFsyncAlwaysAndNever() throws {
        for (name, policy, window) in [("always", FsyncPolicy.always, 1024), ("always", .always, 64), ("never", .never, 1024)] {
            let (rate, stats) = try ThroughputTests.measure(policy, window: window)
            print("journal fsync=\(name), \(window) in flight: \(Int(rate)) appends/s of 1 KiB, \(stats.appends) appends in \(stats.batches) batches, \(stats.syncs) fdatasyncs")
            #expect(stats.failedAppends == 0)
            #expect(stats.appends > 0)
        }
    }

    @Test func printsCRC32CThroughput() {
        let data = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let start = DispatchTime.now().uptimeNanoseconds
        var crc: UInt32 = 0
        for _ in 0..<4 { crc = CRC32C.checksum(data, continuing: crc) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("CRC32C slicing-by-8: \(Int(Double(4 * data.count) / seconds / 1e6)) MB/s")
        #expect(crc != 0)
    }

    @Test func printsStoredEventEncodeAndDecodeRates() throws {
        var event = StoredEventTests.full()
        event.requestBody = [UInt8](repeating: 0x61, count: 2048)
        event.envelope = [UInt8](repeating: 0x62, count: 2560)
        let n = 2000
        var start = DispatchTime.now().uptimeNanoseconds
        var total = 0
        for _ in 0..<n { total &+= event.encoded().count }
        let encodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let encoded = event.encoded()
        start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { total &+= try StoredEvent(decoding: encoded).requestBody.count }
        let decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("StoredEvent (\(encoded.count) B): \(Int(Double(n) / encodeSeconds)) encodes/s, \(Int(Double(n) / decodeSeconds)) decodes/s")
        #expect(total > 0)
    }
}
