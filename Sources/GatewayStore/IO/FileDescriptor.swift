// An owned POSIX file descriptor: closed in deinit, every call retried on EINTR and turned into a
// StoreError naming the operation and the path. The journal does its own buffering and syncing,
// so this talks to the kernel directly instead of through Foundation's FileHandle.

import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Sendable because the descriptor number is immutable and every operation is a positional system
/// call (pread/pwrite/fdatasync), which the kernel makes safe to issue from several threads.
final class FileDescriptor: Sendable {
    let fd: Int32
    let path: String

    /// Operations `failing(_:)` can make fail (debug builds).
    struct Operations: OptionSet {
        let rawValue: UInt8
        static let write = Operations(rawValue: 1 << 0)
        static let dataSync = Operations(rawValue: 1 << 1)
        static let truncate = Operations(rawValue: 1 << 2)
    }

#if DEBUG
    /// Tests only (`failing(_:)`): operations that throw EIO instead of reaching the kernel, so
    /// rollback paths a real disk rarely takes can be exercised. Debug builds only, so the write
    /// path of a release build does not even load it.
    let injectedFailures = Atomic<UInt8>(0)

    /// Tests only: from now on `operations` fail with EIO (an empty set makes them work again).
    func failing(_ operations: Operations) {
        injectedFailures.store(operations.rawValue, ordering: .relaxed)
    }
#endif

    @inline(__always) private func injectedFailure(_ operation: Operations, _ name: String) throws(StoreError) {
#if DEBUG
        if injectedFailures.load(ordering: .relaxed) & operation.rawValue != 0 { throw StoreError.system(name, EIO, path) }
#endif
    }

    init(path: String, flags: Int32, mode: mode_t = 0o644) throws(StoreError) {
        var fd: Int32
        repeat { fd = clinux_open(path, flags | O_CLOEXEC, mode) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw StoreError.system("open", errno, path) }
        self.fd = fd
        self.path = path
    }

    deinit { _ = Glibc.close(fd) }

    /// Writes all of `bytes` at `offset`, looping over short writes.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws(StoreError) {
        try injectedFailure(.write, "write")
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.system("write", errno, path)
            }
            // pwrite returning 0 for a non-empty buffer does not happen on regular files; treat it as
            // out of space rather than spinning.
            if n == 0 { throw StoreError.full(path: path) }
            done += n
        }
    }

    func write(_ bytes: [UInt8], at offset: UInt64) throws(StoreError) {
        // Array's closure-taking methods rethrow untyped errors; a Result keeps the error typed.
        try bytes.withUnsafeBytes { raw in Result { () throws(StoreError) in try write(raw, at: offset) } }.get()
    }

    /// Reads up to `count` bytes at `offset`; fewer only at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(StoreError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.system("read", errno, path)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    func read(count: Int, at offset: UInt64) throws(StoreError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let n = try out.withUnsafeMutableBytes { raw in Result { () throws(StoreError) in try read(into: raw, at: offset) } }.get()
        if n < count { out.removeLast(count - n) }
        return out
    }

    func dataSync() throws(StoreError) {
        try injectedFailure(.dataSync, "fdatasync")
        while fdatasync(fd) != 0 {
            if errno == EINTR { continue }
            throw StoreError.system("fdatasync", errno, path)
        }
    }

    func fullSync() throws(StoreError) {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw StoreError.system("fsync", errno, path)
        }
    }

    func truncate(to length: UInt64) throws(StoreError) {
        try injectedFailure(.truncate, "ftruncate")
        while ftruncate(fd, off_t(length)) != 0 {
            if errno == EINTR { continue }
            throw StoreError.system("ftruncate", errno, path)
        }
    }

    func size() throws(StoreError) -> UInt64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError.system("fstat", errno, path) }
        return UInt64(st.st_size)
    }
}
