// Exclusive ownership of a storage directory: `flock` on `<storage>/LOCK`. The running gateway holds
// it for its lifetime; offline CLI commands (replay, dead-letters) take it too and, when it is held,
// tell the operator to use the admin API instead of editing a live gateway's files. flock is tied to
// the open file description, so the kernel releases it when the process dies, even by SIGKILL: a
// crashed gateway never leaves a stale lock behind.

import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public final class StorageLock: Sendable {
    public let path: String
    private let file: Mutex<FileDescriptor?>

    /// Takes the lock without waiting; throws `.locked` if another holder (process, or another
    /// StorageLock in this process) has it. Creates the directory if needed.
    public init(directory: String) throws(StoreError) {
        try FileSystem.createDirectory(directory)
        path = StorageLayout.lockFile(directory)
        let file = try FileDescriptor(path: path, flags: O_RDWR | O_CREAT)
        // A lock can be held for a moment by a holder that is going away: a gateway that is
        // exiting, or a child process forked by this one that still shares the descriptor until
        // its exec closes it. Retry for a quarter second before calling it locked.
        var attempts = 0
        while flock(file.fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EWOULDBLOCK {
                attempts += 1
                if attempts > 25 { throw StoreError.locked(path: path) }
                usleep(10_000)
                continue
            }
            throw StoreError.system("flock", code, path)
        }
        // The holder's pid, for an operator looking at the file; the lock itself is the flock.
        let pid = Array("\(getpid())\n".utf8)
        try? file.truncate(to: 0)
        try? file.write(pid, at: 0)
        self.file = Mutex(file)
    }

    /// Releases the lock (closing the descriptor drops the flock). Idempotent; deinit does it too.
    public func release() {
        file.withLock { $0 = nil }
    }
}
