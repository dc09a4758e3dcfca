// Directory-level operations the stores need: create, list, rename atomically, unlink, and fsync a
// directory so that a newly created or renamed file survives a crash (POSIX only makes the entry
// durable once its directory is synced).

import CLinux
#if canImport(Glibc)
import Glibc
#endif

enum FileSystem {
    /// `mkdir -p`: creates every missing component; existing directories are fine.
    static func createDirectory(_ path: String) throws(StoreError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw StoreError.system("mkdir", errno, prefix)
            }
        }
    }

    /// Names in `path`, excluding `.` and `..`.
    static func list(_ path: String) throws(StoreError) -> [String] {
        guard let dir = opendir(path) else { throw StoreError.system("opendir", errno, path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Size in bytes and modification time (ns since the epoch) of `path`.
    static func status(_ path: String) throws(StoreError) -> (size: UInt64, modified: Int64) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw StoreError.system("stat", errno, path) }
        return (UInt64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    static func syncDirectory(_ path: String) throws(StoreError) {
        let dir = try FileDescriptor(path: path, flags: O_RDONLY | O_DIRECTORY)
        try dir.fullSync()
    }

    static func rename(_ from: String, to: String) throws(StoreError) {
        guard Glibc.rename(from, to) == 0 else { throw StoreError.system("rename", errno, from) }
    }

    static func remove(_ path: String) throws(StoreError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw StoreError.system("unlink", errno, path) }
    }

    /// Writes `bytes` to `path` so that a crash leaves either the old file or the new one, never a
    /// mix: write a temporary file, fsync it, rename it over, fsync the directory.
    static func replaceAtomically(_ path: String, with bytes: [UInt8], directory: String) throws(StoreError) {
        let tmp = path + ".tmp"
        do {
            let file = try FileDescriptor(path: tmp, flags: O_WRONLY | O_CREAT | O_TRUNC)
            try file.write(bytes, at: 0)
            try file.dataSync()
        }
        try rename(tmp, to: path)
        try syncDirectory(directory)
    }
}
