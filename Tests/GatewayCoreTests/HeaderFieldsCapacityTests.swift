// A request head's header list is allocated with `requestHeadCapacity` fields on every request: it
// must stay small enough for glibc's per-thread cache (requests of at most 1032 bytes), or every
// request's list takes malloc's and free's slow paths. Catches a field grown by a new member.

@testable import GatewayCore
import Testing

@Test func aRequestHeadsHeaderListFitsTheMallocCache() {
    let arrayHeader = 32  // Swift's array storage: object header, count, capacity
    let bytes = arrayHeader + HeaderFields.requestHeadCapacity * MemoryLayout<HeaderFields.Field>.stride
    #expect(bytes <= 1032, "\(HeaderFields.requestHeadCapacity) fields take \(bytes) bytes")
    #expect(HeaderFields.requestHeadCapacity >= 12, "room for a webhook's usual fields")
}
