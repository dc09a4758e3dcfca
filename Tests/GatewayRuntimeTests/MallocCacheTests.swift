// `serve` re-executes itself once with glibc's tcache enlarged (MallocCache): the setting as a
// function, and the re-execution on the real binary through /proc/<pid>/environ, the environment
// the running image was executed with. (ld.so rewrites that copy in place when GLIBC_TUNABLES
// holds several settings, so the binary is checked with none set.)

import Foundation
@testable import GatewayRuntime
import Testing

@Suite(.serialized) struct MallocCacheTests {
    /// Starts `serve` without GLIBC_TUNABLES, waits until it listens, and returns the
    /// GLIBC_TUNABLES of the process serving under the pid it was started as (`execv` keeps the
    /// pid; the environment read is that of the running image).
    private func tunablesOfServe() throws -> String? {
        let binary = try #require(Binary.gateway, "webhook-gateway binary not found next to the tests")
        let directory = NSTemporaryDirectory() + "malloc-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        server:
          listen: 127.0.0.1:0
        storage:
          path: \(directory)/data
        providers_dir: \(IngressHarness.repositoryRoot)/providers
        sources:
          - name: recall
            provider: recall
            secret: \(IngressHarness.svixSecret)
        sinks:
          - name: out
            type: stdout
        log:
          level: info
        """.write(toFile: directory + "/gateway.yaml", atomically: true, encoding: .utf8)
        let logPath = directory + "/log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["serve", "--config", directory + "/gateway.yaml"]
        var environment = ProcessInfo.processInfo.environment
        environment["GLIBC_TUNABLES"] = nil
        p.environment = environment
        p.standardError = log
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer {
            p.terminate()
            p.waitUntilExit()
            try? log.close()
        }
        let deadline = Date().addingTimeInterval(20)
        while p.isRunning, Date() < deadline,
              !((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("listening") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(p.isRunning, "gateway exited: \((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(p.processIdentifier)/environ"))
        let value = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            .first { $0.hasPrefix("GLIBC_TUNABLES=") }.map { String($0.dropFirst("GLIBC_TUNABLES=".count)) }
        return value
    }

    @Test func serveRunsWithTheLargerCacheUnderTheSamePid() throws {
        #expect(try tunablesOfServe() == "glibc.malloc.tcache_count=256")
    }

    @Test func otherTunablesAreKeptAndExtended() {
        #expect(MallocCache.tunables(extending: nil) == "glibc.malloc.tcache_count=256")
        #expect(MallocCache.tunables(extending: "") == "glibc.malloc.tcache_count=256")
        #expect(MallocCache.tunables(extending: "glibc.malloc.mxfast=64") == "glibc.malloc.mxfast=64:glibc.malloc.tcache_count=256")
    }

    @Test func anOperatorsTcacheCountIsLeftAlone() {
        #expect(MallocCache.tunables(extending: "glibc.malloc.tcache_count=16") == nil)
        #expect(MallocCache.tunables(extending: "glibc.malloc.mxfast=0:glibc.malloc.tcache_count=16") == nil)
    }
}
