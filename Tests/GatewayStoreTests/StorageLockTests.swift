// StorageLock: a second holder is refused while the first holds the lock, and admitted after.

import Foundation
import Testing
@testable import GatewayStore

@Suite struct StorageLockTests {
    @Test func secondLockIsRefusedUntilTheFirstIsReleased() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let first = try StorageLock(directory: dir.path)
        #expect(throws: StoreError.locked(path: dir.path + "/LOCK")) { try StorageLock(directory: dir.path) }
        first.release()
        // A child process that another test spawns at this instant shares our descriptors between
        // fork and exec (O_CLOEXEC closes them only at exec), and with them the flock: retry briefly.
        var second: StorageLock?
        for _ in 0..<100 where second == nil {
            second = try? StorageLock(directory: dir.path)
            if second == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        #expect(second != nil, "the lock is free again after release")
        second?.release()
    }

    @Test func lockedErrorTellsTheOperatorWhy() {
        #expect(StoreError.locked(path: "/var/lib/gw/LOCK").description.contains("is a gateway running on it?"))
    }

    @Test func anotherProcessIsRefusedWhileTheLockIsHeld() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/flock") else {
            print("SKIPPED anotherProcessIsRefusedWhileTheLockIsHeld: /usr/bin/flock not installed")
            return
        }
        func tryLockFromAnotherProcess(_ path: String) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
            p.arguments = ["--nonblock", "--exclusive", path, "true"]
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let lock = try StorageLock(directory: dir.path)
        #expect(try tryLockFromAnotherProcess(lock.path) != 0)
        lock.release()
        var status = try tryLockFromAnotherProcess(lock.path)
        for _ in 0..<50 where status != 0 {  // see the fork/exec note above
            Thread.sleep(forTimeInterval: 0.02)
            status = try tryLockFromAnotherProcess(lock.path)
        }
        #expect(status == 0)
    }
}
