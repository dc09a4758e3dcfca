// Tiny stdio helpers for the CLI: stderr writes and the working directory, without Foundation.

#if canImport(Glibc)
import Glibc
#endif

public enum FileStream {
    public struct Stream: Sendable {
        let fd: Int32
        public func write(_ s: String) { write(bytes: Array(s.utf8)) }

        /// Writes all of `bytes`, retrying short writes and EINTR; gives up silently on a closed
        /// stream (there is nowhere left to report it).
        func write(bytes: [UInt8]) {
            bytes.withUnsafeBytes { buf in
                var offset = 0
                while offset < buf.count {
                    let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                    if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                    offset += n
                }
            }
        }
    }

    public static let standardError = Stream(fd: 2)
    public static let standardOutput = Stream(fd: 1)

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "." }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
