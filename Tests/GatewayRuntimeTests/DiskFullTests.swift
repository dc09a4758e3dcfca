// Storage failure at the ingress: with the disk full the gateway answers 503 (never 2xx), keeps
// everything it acknowledged, and accepts again as soon as space is freed, without a restart.
// Needs root to mount a small tmpfs (CI and the developer machines run as root).

import Foundation
@testable import GatewayRuntime
import GatewayCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct DiskFullTests {
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func answers503WhileTheDiskIsFullAndRecoversWhenSpaceIsFreed() throws {
        let mountPoint = NSTemporaryDirectory() + "gw-full-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let (status, output) = try Binary.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint], timeout: 10)
        try #require(status == 0, "mount failed: \(output)")
        defer { _ = try? Binary.run(["umount", "-l", mountPoint], timeout: 10) }

        let h = try IngressHarness(sources: IngressTests.recallSource, environment: IngressTests.env, directory: mountPoint + "/data")
        func send(_ i: Int) throws -> Int {
            let body = IngressTests.botDone.replacingOccurrences(of: "3be05ff8", with: String(format: "%08d", i))
            return try h.post("/webhooks/recall", body: body, headers: h.signed("recall", body, secret: IngressHarness.svixSecret)).status
        }
        #expect(try send(0) == 200)
        // Fill the file system.
        let filler = mountPoint + "/filler"
        _ = FileManager.default.createFile(atPath: filler, contents: nil)  // FileHandle below fails loudly if not
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        let chunk = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()

        var acknowledged = 1
        var refused = 0
        for i in 1...20 {
            let s = try send(i)
            if s == 200 { acknowledged += 1 } else { #expect(s == 503); refused += 1 }
        }
        #expect(refused > 0, "a full disk must refuse webhooks")
        #expect(try h.request("GET", "/readyz").status == 503)

        try FileManager.default.removeItem(atPath: filler)
        #expect(try send(100) == 200, "space freed: accepted again without a restart")
        acknowledged += 1
        #expect(try h.request("GET", "/readyz").status == 200)
        #expect(try h.storedEvents().count == acknowledged, "every acknowledged webhook is in the journal")
    }
}
