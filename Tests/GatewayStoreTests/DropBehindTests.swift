// DropBehind: written ranges leave the page cache once written back, the newest chunk stays.

import Foundation
import Testing
@testable import GatewayStore
#if canImport(Glibc)
import Glibc
#endif

@Suite struct DropBehindTests {
    /// Which of the file's 4 KiB pages are in the page cache (mincore over a read-only mapping).
    static func resident(_ fd: Int32, size: Int) -> [Bool] {
        let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        guard let map, map != MAP_FAILED else { return [] }
        defer { munmap(map, size) }
        let pages = (size + 4095) / 4096
        var vec = [UInt8](repeating: 0, count: pages)
        guard mincore(map, size, &vec) == 0 else { return [] }
        return vec.map { $0 & 1 != 0 }
    }

    @Test func writtenChunksLeaveThePageCacheAndTheNewestStays() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let file = try FileDescriptor(path: dir.path + "/log", flags: O_RDWR | O_CREAT)
        var dropBehind = DropBehind()
        // Quarter-chunk writes, 3.5 chunks in all.
        let piece = [UInt8](repeating: 0x61, count: Int(DropBehind.chunk) / 4)
        var end: UInt64 = 0
        for _ in 0..<14 {
            try file.write(piece, at: end)
            end += UInt64(piece.count)
            // Written back before the next step, so the drop is not racing the writeback the
            // previous step started (in the gateway a whole chunk of writes lies in between).
            try file.dataSync()
            dropBehind.wrote(upTo: end, fd: file.fd)
        }
        let pages = DropBehindTests.resident(file.fd, size: Int(end))
        try #require(pages.count == Int(end) / 4096)
        let chunkPages = Int(DropBehind.chunk) / 4096
        // Writeback started at 1, 2 and 3 chunks; [0, 2 chunks) was dropped, the rest was not.
        #expect(pages[0..<(2 * chunkPages)].filter { $0 }.count == 0, "the first two chunks were released")
        #expect(pages[(2 * chunkPages)...].allSatisfy { $0 }, "the newest writes are still cached")
    }

    @Test func aFileContinuedAfterARestartIsLeftAloneBelowItsOldEnd() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let file = try FileDescriptor(path: dir.path + "/log", flags: O_RDWR | O_CREAT)
        let piece = [UInt8](repeating: 0x62, count: 1 << 20)
        for i in 0..<6 { try file.write(piece, at: UInt64(i) << 20) }
        try file.dataSync()
        var dropBehind = DropBehind(from: 6 << 20)
        for i in 6..<11 {
            try file.write(piece, at: UInt64(i) << 20)
            try file.dataSync()
            dropBehind.wrote(upTo: UInt64(i + 1) << 20, fd: file.fd)
        }
        let pages = DropBehindTests.resident(file.fd, size: 11 << 20)
        #expect(pages[0..<(6 << 8)].allSatisfy { $0 }, "bytes before the starting offset keep their pages")
    }
}
