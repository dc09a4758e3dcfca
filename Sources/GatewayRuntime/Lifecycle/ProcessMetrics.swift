// Process-level metrics read at scrape time: resident memory and the heap behind it, uptime, open
// connections, build info.

import CLinux
import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

enum ProcessMetrics {
    static func register(_ registry: MetricsRegistry, version: String, openConnections: @escaping @Sendable () -> Int) {
        let started = Timestamp.now()
        registry.computed("gateway_build_info", "Build information; the value is always 1.") { [([("version", version)], 1)] }
        registry.computed("gateway_uptime_seconds", "Seconds since the process started.") { [([], Timestamp.now().seconds(since: started))] }
        registry.computed("process_resident_memory_bytes", "Resident set size.") { [([], Double(residentBytes()))] }
        // Resident memory well above the heap in use is memory the allocator kept after a burst
        // (freed, not yet reused or returned), not a leak: these two tell them apart.
        registry.computed("gateway_heap_in_use_bytes", "Heap bytes allocated and not freed (glibc malloc, all arenas).") {
            [([], Double(heapTotals().inUse))]
        }
        registry.computed("gateway_heap_held_bytes", "Heap bytes the allocator holds from the system, in use or free.") {
            [([], Double(heapTotals().held))]
        }
        registry.computed("gateway_open_connections", "Open HTTP connections on the webhook listener.") { [([], Double(openConnections()))] }
    }

    static func heapTotals() -> (inUse: UInt64, held: UInt64) {
        var inUse: UInt64 = 0, held: UInt64 = 0
        clinux_heap_totals(&inUse, &held)
        return (inUse, held)
    }

    /// Resident set size from /proc/self/statm (second field, in pages).
    static func residentBytes() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 128)
        guard fgets(&buf, Int32(buf.count), f) != nil else { return 0 }
        let fields = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
