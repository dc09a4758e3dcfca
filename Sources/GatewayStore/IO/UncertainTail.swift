// A log appended at a known good length (the journal's active segment, a sink's state log). A
// write that fails is cut back to that length, so neither readers nor recovery ever meet it: a
// replayed failed write would be a change its caller was told had failed. If even the cut fails,
// the tail stays uncertain and the next write (or a close) cuts first.

struct UncertainTail {
    private(set) var isUncertain = false

    /// Before a write at `length`: cuts a failed write's leftovers, throwing if it still cannot.
    mutating func settle(_ file: FileDescriptor, at length: UInt64) throws(StoreError) {
        guard isUncertain else { return }
        try file.truncate(to: length)
        isUncertain = false
    }

    /// After a failed write at `length`: cuts it back. Returns the truncate's error when that fails
    /// too; the tail is then uncertain until `settle` succeeds.
    @discardableResult
    mutating func rollBack(_ file: FileDescriptor, to length: UInt64) -> StoreError? {
        do throws(StoreError) {
            try file.truncate(to: length)
            isUncertain = false
            return nil
        } catch {
            isUncertain = true
            return error
        }
    }
}
