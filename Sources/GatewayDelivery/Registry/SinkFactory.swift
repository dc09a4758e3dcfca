// One sink type: its name in configuration (`type: http`) and the strict decoder of its own keys.

public import GatewayCore

public struct SinkFactory: Sendable {
    public let type: String
    /// Reads this type's keys from `reader` (the envelope keys are already marked known), records
    /// problems in the reader's diagnostics, and returns nil when the sink cannot be built. The
    /// registry calls `finish()` on the reader afterwards.
    public let decode: @Sendable (_ reader: inout ConfigReader, _ context: SinkContext) -> (any Sink)?

    public init(type: String, decode: @escaping @Sendable (_ reader: inout ConfigReader, _ context: SinkContext) -> (any Sink)?) {
        self.type = type
        self.decode = decode
    }
}
