// Naming and header of journal segment files: `<storage>/journal/00000000000000000001.seg`, each
// starting with a 16-byte header (magic "WGJSEG01" + the segment number, little-endian) so a file
// copied or renamed by hand is recognised as not belonging where it sits. Records start at offset 16.

import CLinux
#if canImport(Glibc)
import Glibc
#endif

enum SegmentFile {
    static let headerSize: UInt64 = 16
    static let magic: [UInt8] = Array("WGJSEG01".utf8)
    static let suffix = ".seg"

    static func name(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    /// The segment's file in the journal's `directory`.
    static func path(_ number: UInt64, in directory: String) -> String { directory + "/" + name(number) }

    /// The segment number of a file name, or nil for anything else in the directory.
    static func number(of name: String) -> UInt64? {
        guard name.hasSuffix(suffix), name.utf8.count == 20 + suffix.utf8.count else { return nil }
        return UInt64(name.dropLast(suffix.count))
    }

    static func header(_ number: UInt64) -> [UInt8] {
        var h = magic
        withUnsafeBytes(of: number.littleEndian) { h.append(contentsOf: $0) }
        return h
    }

    /// Creates segment `number`; with `durably` (every policy but `never`) the header and the
    /// directory entry are synced before any record can be acknowledged in it.
    static func create(directory: String, number: UInt64, durably: Bool = true) throws(StoreError) -> FileDescriptor {
        let path = directory + "/" + name(number)
        let file = try FileDescriptor(path: path, flags: O_RDWR | O_CREAT | O_EXCL)
        do {
            try file.write(header(number), at: 0)
            if durably {
                try file.dataSync()
                try FileSystem.syncDirectory(directory)
            }
        } catch {
            // Leave no half-made segment behind: the next attempt creates it again.
            try? FileSystem.remove(path)
            throw error
        }
        return file
    }
}

/// A segment as readers see it: its number and how many bytes of it hold committed records.
struct SegmentInfo: Sendable {
    let number: UInt64
    var committed: UInt64
}
