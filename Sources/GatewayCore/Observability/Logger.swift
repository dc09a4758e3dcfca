// Structured logging: a message plus key/value fields, rendered by whatever `LogHandler` the
// runtime installs (JSON lines or text on stderr). Modules take a `Logger` value; there is no global.

public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug = 0, info, warning, error

    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }

    public init?(name: String) {
        guard let l = LogLevel.allCases.first(where: { $0.name == name || (name == "warn" && $0 == .warning) }) else { return nil }
        self = l
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

public struct LogRecord: Sendable {
    public var time: Timestamp
    public var level: LogLevel
    public var message: String
    public var fields: [(String, String)]
}

public protocol LogHandler: Sendable {
    func write(_ record: LogRecord)
}

public struct Logger: Sendable {
    public var level: LogLevel
    public var handler: any LogHandler
    /// Fields attached to every record from this logger (e.g. `sink`, `source`).
    public var context: [(String, String)]

    public init(level: LogLevel = .info, handler: any LogHandler, context: [(String, String)] = []) {
        self.level = level
        self.handler = handler
        self.context = context
    }

    /// A logger that drops everything (tests, benchmarks).
    public static let silent = Logger(level: .error, handler: DiscardLogHandler())

    public func with(_ key: String, _ value: String) -> Logger {
        var l = self
        l.context.append((key, value))
        return l
    }

    @inline(__always)
    public func isEnabled(_ l: LogLevel) -> Bool { l >= level }

    public func log(_ l: LogLevel, _ message: @autoclosure () -> String, _ fields: [(String, String)] = []) {
        guard l >= level else { return }
        handler.write(LogRecord(time: .now(), level: l, message: message(), fields: context + fields))
    }

    public func debug(_ m: @autoclosure () -> String, _ f: [(String, String)] = []) { log(.debug, m(), f) }
    public func info(_ m: @autoclosure () -> String, _ f: [(String, String)] = []) { log(.info, m(), f) }
    public func warning(_ m: @autoclosure () -> String, _ f: [(String, String)] = []) { log(.warning, m(), f) }
    public func error(_ m: @autoclosure () -> String, _ f: [(String, String)] = []) { log(.error, m(), f) }
}

public struct DiscardLogHandler: LogHandler {
    public init() {}
    public func write(_ record: LogRecord) {}
}
