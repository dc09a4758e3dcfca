// Bounds on what a YAML document may cost to load. Configuration files are small; these limits
// turn a hostile or broken file (a huge file, runaway nesting, an alias bomb) into a clear error
// before it can eat memory or stack.

public struct YAMLLimits: Sendable, Hashable {
    /// Largest accepted input, in bytes (checked before parsing starts).
    public var maxFileSize: Int
    /// Deepest nesting of mappings and sequences, including what aliases expand to. Decoders walk
    /// the tree recursively, so this also bounds their stack use.
    public var maxDepth: Int
    /// Most nodes the tree may hold after every alias is expanded. Counted while expanding, so a
    /// "billion laughs" document stops at the limit instead of after the expansion.
    public var maxNodes: Int
    /// Longest accepted scalar, in bytes.
    public var maxScalarLength: Int

    public init(maxFileSize: Int = 4 << 20, maxDepth: Int = 64, maxNodes: Int = 100_000, maxScalarLength: Int = 1 << 20) {
        self.maxFileSize = maxFileSize
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxScalarLength = maxScalarLength
    }

    /// 4 MiB, depth 64, 100 000 nodes, 1 MiB scalars.
    public static let `default` = YAMLLimits()
}
