// Where a configuration value came from, so every error a user sees can name `file:line:column`.

public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location for values built in code (defaults, tests) rather than read from a file.
    public static func builtIn(_ what: String = "<built-in>") -> SourceLocation {
        SourceLocation(file: what, line: 0, column: 0)
    }

    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }
}
