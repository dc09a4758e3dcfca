// A growable byte buffer for the writers on the ingest path (the CloudEvents envelope, journal
// records). Why not [UInt8]: callgrind put Array's append(contentsOf:) at ~90 instructions per call
// whatever the length, and an envelope is about a hundred short appends (keys, quotes, values).
// Here an append is a capacity check and a memcpy.

public struct ByteBuffer: ~Copyable, @unchecked Sendable {
    // Noncopyable, so the memory has exactly one owner: an append is a capacity check and a copy,
    // with no copy-on-write uniqueness test (one runtime call per append, ~150 per webhook), and
    // the memory is a plain allocation freed by `deinit` (or an array's storage, lent for the
    // length of `array(capacity:_:)`, which the array frees).
    //
    // Why `@unchecked Sendable` is safe: the memory is reachable only through this value, which
    // cannot be copied, so no two threads ever hold it.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    public private(set) var count = 0
    /// True while `base` is an array's storage lent by `array(capacity:_:)`: the array frees it.
    private var borrowed = false

    public init(capacity: Int = 256) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    private init(borrowing storage: UnsafeMutableBufferPointer<UInt8>) {
        base = storage.baseAddress!
        capacity = storage.count
        borrowed = true
    }

    deinit { if !borrowed { base.deallocate() } }

    /// An array written by `write` straight into its own storage, sized `capacity`: no second
    /// allocation and copy for `array` (the envelope is over 1 KiB, where glibc's malloc takes its
    /// slow path). Bytes past `capacity` spill to the buffer's own memory, then cost one copy (and
    /// the unused array).
    /// `write` must return the buffer it was given (or one of its own) and keep no other.
    public static func array(capacity: Int, _ write: (consuming ByteBuffer) -> ByteBuffer) -> [UInt8] {
        var spilled: [UInt8]?
        let inPlace = [UInt8](unsafeUninitializedCapacity: max(16, capacity)) { storage, initialized in
            let buffer = write(ByteBuffer(borrowing: storage))
            if buffer.borrowed {
                precondition(buffer.base == storage.baseAddress, "ByteBuffer.array: not the buffer it lent")
                initialized = buffer.count
            } else {
                spilled = buffer.array
            }
        }
        return spilled ?? inPlace
    }

    /// Bytes it can hold before it must grow.
    public var reservedCapacity: Int { capacity }

    /// The bytes written so far, without copying them.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Empties the buffer, keeping its memory.
    public mutating func removeAll() { count = 0 }

    /// The bytes written so far, as an array (one copy).
    public var array: [UInt8] { [UInt8](UnsafeBufferPointer(start: base, count: count)) }

    /// Room for `n` more bytes; returns where they go.
    @inline(__always)
    private mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if _slowPath(count + n > capacity) { grow(n) }
        return base + count
    }

    private mutating func grow(_ n: Int) {
        let newCapacity = max(count + n, capacity * 2)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        fresh.update(from: base, count: count)
        if borrowed { borrowed = false } else { base.deallocate() }
        base = fresh
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
