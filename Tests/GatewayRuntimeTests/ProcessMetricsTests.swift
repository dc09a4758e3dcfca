// The heap gauges follow real allocations: a block allocated shows in both, and is gone from the
// in-use figure once freed (other tests run in parallel, so the checks leave them a margin).

import Testing
@testable import GatewayRuntime

@Suite struct ProcessMetricsTests {
    @Test func heapTotalsFollowAnAllocation() {
        let size = 64 << 20
        let before = ProcessMetrics.heapTotals()
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        let during = ProcessMetrics.heapTotals()
        block.deallocate()
        let after = ProcessMetrics.heapTotals()
        #expect(during.inUse >= before.inUse + UInt64(size) - (16 << 20))
        #expect(during.held >= during.inUse)
        #expect(after.inUse + UInt64(size) / 2 <= during.inUse)
    }
}
