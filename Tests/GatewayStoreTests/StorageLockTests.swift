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
        let second = try StorageLock(directory: dir.path)
        second.release()
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
        #expect(try tryLockFromAnotherProcess(lock.path) == 0)
    }
}
