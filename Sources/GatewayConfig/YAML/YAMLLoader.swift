// Entry point for reading YAML: a file or a string becomes one `ConfigNode` tree whose every node
// knows its `file:line:column`, or every problem found, located. Used for `gateway.yaml` and for
// `providers/*.yaml` alike.

#if canImport(Glibc)
import Glibc
#endif
public import GatewayCore

public enum YAMLLoader {
    /// Reads and parses the file at `path`. Files larger than `limits.maxFileSize` are refused
    /// before they are read in full.
    public static func load(path: String, limits: YAMLLimits = .default) throws(ConfigErrors) -> ConfigNode {
        let bytes = try readFile(path, limit: limits.maxFileSize)
        return try load(bytes: bytes, file: path, limits: limits)
    }

    /// Parses `text` as if it were read from `file` (the name used in locations).
    public static func load(text: String, file: String, limits: YAMLLimits = .default) throws(ConfigErrors) -> ConfigNode {
        try load(bytes: Array(text.utf8), file: file, limits: limits)
    }

    static func load(bytes: [UInt8], file: String, limits: YAMLLimits) throws(ConfigErrors) -> ConfigNode {
        guard bytes.count <= limits.maxFileSize else {
            throw tooLarge(file, limits)
        }
        let parser = try YAMLParser(bytes: bytes, file: file)
        var composer = YAMLComposer(parser: parser, file: file, limits: limits)
        return try composer.composeDocument()
    }

    private static func tooLarge(_ file: String, _ limits: YAMLLimits) -> ConfigErrors {
        ConfigErrors([ConfigError("file is larger than the limit of \(ConfigByteSize(bytes: limits.maxFileSize))",
                                  at: SourceLocation(file: file, line: 0, column: 0))])
    }

    /// At most `limit` bytes are kept; one more byte read means the file is too large.
    private static func readFile(_ path: String, limit: Int) throws(ConfigErrors) -> [UInt8] {
        let at = SourceLocation(file: path, line: 0, column: 0)
        guard let f = fopen(path, "rb") else {
            throw ConfigErrors([ConfigError("cannot open: \(String(cString: strerror(errno)))", at: at)])
        }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw tooLarge(path, YAMLLimits(maxFileSize: limit)) }
            if n < chunk.count { break }
        }
        if ferror(f) != 0 {
            throw ConfigErrors([ConfigError("cannot read: \(String(cString: strerror(errno)))", at: at)])
        }
        return out
    }
}
