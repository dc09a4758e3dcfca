// The one error type of GatewayStore. Every case names where it happened (operation and path, or
// segment and offset) so a log line alone tells an operator which file to look at.

#if canImport(Glibc)
import Glibc
#endif

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed; `errno` is the raw code, `path` the file or directory involved.
    case io(operation: String, errno: Int32, path: String)
    /// The file system is out of space or quota (ENOSPC, EDQUOT): the runtime answers 503 and the
    /// journal retries on the next append, so ingestion resumes once space is freed.
    case full(path: String)
    /// A record failed its length or CRC32C check.
    case corrupt(segment: UInt64, offset: UInt64, reason: String)
    /// Another process holds the storage lock (a gateway is running on this storage).
    case locked(path: String)
    /// The journal or store was closed.
    case closed
    /// Bytes that do not decode (a stored event, a state record) or an argument the store refuses.
    case invalid(String)

    /// Maps an errno to `.full` for out-of-space conditions and `.io` otherwise.
    static func system(_ operation: String, _ code: Int32, _ path: String) -> StoreError {
        if code == ENOSPC || code == EDQUOT { return .full(path: path) }
        return .io(operation: operation, errno: code, path: path)
    }

    public var description: String {
        switch self {
        case let .io(op, code, path):
            return "\(op) failed on \(path): \(String(cString: strerror(code))) (errno \(code))"
        case let .full(path):
            return "no space left on device writing \(path)"
        case let .corrupt(segment, offset, reason):
            return "corrupt record in journal segment \(segment) at offset \(offset): \(reason)"
        case let .locked(path):
            return "storage is locked by another process (\(path)): is a gateway running on it?"
        case .closed:
            return "storage is closed"
        case let .invalid(why):
            return why
        }
    }
}
