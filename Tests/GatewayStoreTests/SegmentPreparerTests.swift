// Prepared (zero-filled) journal segments under the syncing policies: rollover uses them, sealed
// segments keep no zeros, a restart after a crash in a prepared segment keeps every record without
// reporting damage, and spares never outlive the journal.

import CLinux
import Foundation
import GatewayCore
import Testing
@testable import GatewayStore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SegmentPreparerTests {
    static let segmentSize = 64 << 10

    /// Appends 1 KiB records until the journal has rolled over `rollovers` times, waiting for the
    /// spare whenever one is being prepared so rollover finds it ready.
    func fill(_ journal: Journal, rollovers: Int) throws -> [[UInt8]] {
        var written: [[UInt8]] = []
        while journal.segmentNumbers.count <= rollovers {
            let record = [UInt8](repeating: UInt8(written.count % 251), count: 1000) + bytes("#\(written.count)")
            _ = try journal.appendAndWait(record).get()
            written.append(record)
            journal.preparer?.drain()
        }
        return written
    }

    func segmentFiles(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir + "/journal").sorted()
    }

    func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
    }

    @Test func rolloverUsesPreparedSegmentsAndSealsThemWithoutZeros() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .always, segmentSize: Self.segmentSize), logger: .silent)
        let written = try fill(journal, rollovers: 3)
        let numbers = journal.segmentNumbers
        let active = dir.path + "/journal/" + SegmentFile.name(numbers.last!)
        #expect(try size(active) == Self.segmentSize, "the active segment is a prepared one, zero-filled to the segment size")
        for number in numbers.dropLast() {
            let sealed = try size(dir.path + "/journal/" + SegmentFile.name(number))
            #expect(sealed < Self.segmentSize && sealed > Self.segmentSize / 2, "sealed segment \(number) ends at its last record: \(sealed)")
        }
        #expect(try journal.read(after: nil, limit: 10_000).map(\.payload) == written)
        #expect(journal.statistics.rollovers == 3)
        #expect(journal.statistics.preparedRollovers == 3, "every rollover found its spare ready")
        let end = journal.end
        journal.close()
        #expect(try segmentFiles(dir.path).allSatisfy { $0.hasSuffix(SegmentFile.suffix) }, "no spare is left after close")
        #expect(try size(active) == Int(end.offset), "a clean close cuts the prepared segment back to its last record")
        // After a crash the zeros are still there: extend the file back as the spare was.
        let handle = try #require(FileHandle(forUpdatingAtPath: active))
        try handle.truncate(atOffset: UInt64(Self.segmentSize))
        try handle.close()

        let (logger, log) = recordingLogger()
        let reopened = try Journal(directory: dir.path, options: JournalOptions(fsync: .always, segmentSize: Self.segmentSize), logger: logger)
        defer { reopened.close() }
        #expect(try reopened.read(after: nil, limit: 10_000).map(\.payload) == written)
        #expect(!log.messages.contains("truncating torn tail of journal segment"), "the unused zeros are not damage")
        #expect(log.messages.contains("releasing the unused end of the journal segment"))
        let appended = try reopened.appendAndWait(bytes("after restart")).get()
        #expect(try reopened.read(from: appended, limit: 1).map(\.payload) == [bytes("after restart")])
    }

    @Test func garbageInAPreparedSegmentIsStillATornTail() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let options = JournalOptions(fsync: .always, segmentSize: Self.segmentSize)
        let journal = try Journal(directory: dir.path, options: options, logger: .silent)
        let written = try fill(journal, rollovers: 1)
        let end = journal.end
        journal.close()
        // A torn last batch: a few bytes of a frame written, the rest still zeros.
        let path = dir.path + "/journal/" + SegmentFile.name(end.segment)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: end.offset)
        try handle.write(contentsOf: Data([0x10, 0, 0, 0, 0xAB, 0xCD]))
        try handle.truncate(atOffset: UInt64(Self.segmentSize))     // as a crash leaves the spare: zeros after
        try handle.close()

        let (logger, log) = recordingLogger()
        let reopened = try Journal(directory: dir.path, options: options, logger: logger)
        defer { reopened.close() }
        #expect(log.messages.contains("truncating torn tail of journal segment"))
        #expect(try reopened.read(after: nil, limit: 10_000).map(\.payload) == written)
        #expect(try size(path) == Int(end.offset))
    }

    @Test func noSparesWithoutSyncOrBeforeAQuarterOfTheActiveSegmentIsUsed() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let never = try Journal(directory: dir.path, options: JournalOptions(fsync: .never, segmentSize: Self.segmentSize), logger: .silent)
        _ = try fill(never, rollovers: 2)
        #expect(never.preparer == nil)
        #expect(never.statistics.rollovers == 2 && never.statistics.preparedRollovers == 0)
        let sizes = try never.segmentNumbers.map { try size(dir.path + "/journal/" + SegmentFile.name($0)) }
        #expect(sizes.allSatisfy { $0 < Self.segmentSize }, "plain segments grow with their records: \(sizes)")
        never.close()

        let other = TemporaryDirectory()
        defer { other.remove() }
        let always = try Journal(directory: other.path, options: JournalOptions(fsync: .always, segmentSize: Self.segmentSize), logger: .silent)
        defer { always.close() }
        for i in 0..<10 { _ = try always.appendAndWait([UInt8](repeating: 1, count: 1000) + bytes("\(i)")).get() }
        always.preparer?.drain()
        #expect(try segmentFiles(other.path).count == 1, "10 KiB of a 64 KiB segment: no spare yet")
    }

    /// Whether the temporary directories' file system takes O_DIRECT (tmpfs may not: the spare is
    /// then written through the page cache, by design).
    static let directIOSupported: Bool = {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let fd = clinux_open(dir.path + "/probe", O_RDWR | O_CREAT | clinux_o_direct(), 0o644)
        if fd >= 0 { close(fd) }
        return fd >= 0
    }()

    /// Pages of `path` in the page cache (mincore over a read-only mapping).
    func residentPages(_ path: String) throws -> Int {
        let file = try FileDescriptor(path: path, flags: O_RDONLY)
        let length = Int(try file.size())
        let page = Int(SegmentPreparer.pageSize)
        let map = try #require(mmap(nil, length, PROT_READ, MAP_SHARED, file.fd, 0))
        defer { munmap(map, length) }
        var vector = [UInt8](repeating: 0, count: (length + page - 1) / page)
        #expect(mincore(map, length, &vector) == 0)
        return vector.filter { $0 & 1 != 0 }.count
    }

    /// The spare's zeros go around the page cache (on this VM kind fresh cache pages cost a fault
    /// each), and records written into a prepared segment, in whole pages over uncached zeros, read
    /// back exactly from a fresh open.
    @Test(.enabled(if: directIOSupported)) func spareZerosBypassThePageCache() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journalDir = dir.path + "/journal"
        try FileManager.default.createDirectory(atPath: journalDir, withIntermediateDirectories: true)
        let preparer = SegmentPreparer(directory: journalDir, segmentSize: Self.segmentSize, logger: .silent)
        defer { preparer.close() }
        preparer.prepare(2)
        preparer.drain()
        let spare = journalDir + "/" + SegmentFile.name(2) + SegmentPreparer.suffix
        #expect(try size(spare) == Self.segmentSize)
        #expect(try residentPages(spare) == 0)

        let options = JournalOptions(fsync: .always, segmentSize: Self.segmentSize)
        let journal = try Journal(directory: dir.path + "/j", options: options, logger: .silent)
        // Records of odd sizes, so batches end mid-page and the next one rewrites that page.
        var written = try fill(journal, rollovers: 1)
        for i in 0..<40 {
            let record = [UInt8](repeating: UInt8(i), count: 37 * i + 1) + bytes("odd \(i)")
            _ = try journal.appendAndWait(record).get()
            written.append(record)
        }
        #expect(journal.statistics.preparedRollovers == 1)
        journal.close()
        let reopened = try Journal(directory: dir.path + "/j", options: options, logger: .silent)
        defer { reopened.close() }
        #expect(try reopened.read(after: nil, limit: 10_000).map(\.payload) == written)
    }

    @Test func aLateSpareIsAbandonedAndALeftoverOneRemovedOnOpen() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let journalDir = dir.path + "/journal"
        try FileManager.default.createDirectory(atPath: journalDir, withIntermediateDirectories: true)
        let preparer = SegmentPreparer(directory: journalDir, segmentSize: Self.segmentSize, logger: .silent)
        #expect(preparer.take(2) == nil, "nothing prepared")
        preparer.prepare(2)
        preparer.drain()
        preparer.prepare(3)     // ignored: a spare is ready
        preparer.drain()
        #expect(try segmentFiles(dir.path) == [SegmentFile.name(2) + SegmentPreparer.suffix])
        #expect(preparer.take(5) == nil, "a spare for another number is not used")
        #expect(try segmentFiles(dir.path).isEmpty, "and is deleted")

        preparer.prepare(7)
        preparer.drain()
        let taken = try #require(preparer.take(7))
        #expect(taken.path == journalDir + "/" + SegmentFile.name(7))
        #expect(try taken.read(count: Int(SegmentFile.headerSize), at: 0) == SegmentFile.header(7))
        #expect(try taken.size() == UInt64(Self.segmentSize))

        // A spare left behind by a crash is removed when the journal opens.
        preparer.prepare(8)
        preparer.drain()
        try FileManager.default.removeItem(atPath: journalDir + "/" + SegmentFile.name(7))
        let journal = try Journal(directory: dir.path, options: JournalOptions(fsync: .never), logger: .silent)
        defer { journal.close() }
        #expect(try segmentFiles(dir.path).allSatisfy { $0.hasSuffix(SegmentFile.suffix) })
    }
}
