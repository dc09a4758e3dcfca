// Storage failure injection on a real full file system (a 1 MiB tmpfs, which needs root): appends
// fail with `.full` while the disk is full, nothing acknowledged is lost, and appends succeed again
// once space is freed, without reopening the journal.

import Foundation
import GatewayCore
import Testing
@testable import GatewayStore

@Suite struct JournalDiskFullTests {
    static func run(_ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func fullDiskFailsAppendsThenRecoversWithoutReopening() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        guard JournalDiskFullTests.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.path]) == 0 else {
            print("SKIPPED fullDiskFailsAppendsThenRecoversWithoutReopening: cannot mount a tmpfs (needs root)")
            return
        }
        defer { _ = JournalDiskFullTests.run(["umount", dir.path]) }
        let journal = try Journal(directory: dir.path, logger: .silent)
        defer { journal.close() }
        let filler = dir.path + "/filler"
        #expect(FileManager.default.createFile(atPath: filler, contents: Data(count: 600 << 10)))

        let record = [UInt8](repeating: 0x5A, count: 64 << 10)
        var acknowledged: [JournalPosition] = []
        var failure: StoreError?
        for _ in 0..<32 {
            switch journal.appendAndWait(record) {
            case let .success(p): acknowledged.append(p)
            case let .failure(e): failure = e
            }
            if failure != nil { break }
        }
        #expect(failure == .full(path: dir.path + "/journal/" + SegmentFile.name(1)))
        #expect(!acknowledged.isEmpty)
        let endWhileFull = journal.end
        // Still full: still failing, and the failed batch left nothing behind.
        if case .success = journal.appendAndWait(record) { Issue.record("append succeeded on a full disk") }
        #expect(journal.end == endWhileFull)
        #expect(journal.statistics.failedAppends == 2)

        try FileManager.default.removeItem(atPath: filler)
        let after = try journal.appendAndWait(record).get()
        #expect(after == endWhileFull)
        let all = try journal.read(after: nil, limit: 100)
        #expect(all.map(\.position) == acknowledged + [after])
        #expect(all.allSatisfy { $0.payload == record })
    }
}
