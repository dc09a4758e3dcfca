// A growable byte buffer for the writers on the ingest path (the CloudEvents envelope, journal
// records). Why not [UInt8]: callgrind put Array's append(contentsOf:) at ~90 instructions per call
// whatever the length, and an envelope is about a hundred short appends (keys, quotes, values).
// Here an append is a capacity check and a memcpy. Copy-on-write keeps value semantics.

public struct ByteBuffer: @unchecked Sendable {
    /// Owns the memory, allocated in the same block as the object (one malloc per buffer, not
    /// two). Count and capacity live in the struct, so appends touch no class property (each would
    /// cost a dynamic exclusivity check); the bytes' address is fixed for the object's lifetime.
    private final class Allocation: ManagedBuffer<Void, UInt8> {
        static func make(capacity: Int) -> (Allocation, UnsafeMutablePointer<UInt8>) {
            let a = unsafeDowncast(Allocation.create(minimumCapacity: capacity) { _ in }, to: Allocation.self)
            return (a, a.withUnsafeMutablePointerToElements { $0 })
        }
    }

    /// Why `@unchecked Sendable` is safe: the memory is only written through `reserve`, which first
    /// copies it unless this value is the allocation's only owner, so memory shared between threads
    /// (after a copy of the buffer) is never written.
    private var allocation: Allocation
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    public private(set) var count = 0

    public init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        (allocation, base) = Allocation.make(capacity: self.capacity)
    }

    /// Bytes it can hold before it must grow.
    public var reservedCapacity: Int { capacity }

    /// The bytes written so far, without copying them.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Empties the buffer, keeping its memory (a fresh allocation if it is shared with a copy).
    public mutating func removeAll() {
        if isKnownUniquelyReferenced(&allocation) {
            count = 0
        } else {
            self = ByteBuffer(capacity: capacity)
        }
    }

    /// The bytes written so far, as an array (one copy).
    public var array: [UInt8] { [UInt8](UnsafeBufferPointer(start: base, count: count)) }

    /// Room for `n` more bytes, owned by this value alone; returns where they go.
    @inline(__always)
    private mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if _slowPath(count + n > capacity || !isKnownUniquelyReferenced(&allocation)) { grow(n) }
        return base + count
    }

    private mutating func grow(_ n: Int) {
        let newCapacity = count + n > capacity ? max(count + n, capacity * 2) : capacity
        let (fresh, freshBase) = Allocation.make(capacity: newCapacity)
        freshBase.update(from: base, count: count)
        allocation = fresh
        base = freshBase
        capacity = newCapacity
    }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1).pointee = byte
        count += 1
    }

    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    public mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    public mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// The string's UTF-8, unchanged.
    public mutating func append(utf8 string: String) {
        string.withUTF8Bytes { append($0) }
    }

    /// Lets `write` fill at most `maxCount` bytes in place; it returns how many it wrote.
    public mutating func append(maxCount: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int) {
        let written = write(reserve(maxCount))
        precondition(written >= 0 && written <= maxCount, "ByteBuffer: wrote \(written) of at most \(maxCount) bytes")
        count += written
    }
}
