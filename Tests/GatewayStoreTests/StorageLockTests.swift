// StorageLock: a second holder is refused while the first holds the lock, and admitted after.

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
}
