// `storage:`: where the journal, dedupe index and sink state live, and how durable a 2xx is.

public import GatewayCore

extension GatewayConfiguration {
    public struct Storage: Sendable, Equatable {
        /// When journal appends reach the disk.
        public enum Fsync: Sendable, Equatable {
            /// `always`: a 2xx means the event is on disk (group commit shares each fdatasync).
            case always
            /// `interval` + `fsync_interval`: a 2xx after the write; fdatasync at most this often.
            case interval(ConfigDuration)
            /// `never`: the kernel flushes when it likes; survives a process crash, not a power cut.
            case never
        }

        /// `path`: data directory, relative to the working directory (created if missing).
        public var path = "./data"
        /// `fsync` (`always` | `interval` | `never`) and `fsync_interval` (1 ms–10 s, default 10 ms).
        public var fsync = Fsync.always
        /// `segment_size`: journal segment file size (64 KiB–4 GiB).
        public var segmentSize = ConfigByteSize.mib(64)
        /// `dedupe_window`: how long a provider delivery id is remembered to drop redeliveries (1 s–365 d).
        public var dedupeWindow = ConfigDuration.h(72)
        /// `retention`: how long delivered journal segments are kept for replay (0 s–3650 d).
        public var retention = ConfigDuration.d(7)

        public init() {}

        public static let keys = ["path", "fsync", "fsync_interval", "segment_size", "dedupe_window", "retention"]

        static func decode(_ node: ConfigNode, diagnostics: ConfigDiagnostics) -> Storage {
            var r = ConfigReader(node, context: "storage", diagnostics: diagnostics)
            var s = Storage()
            if let pathNode = r.node("path"), !pathNode.isNull,
               let path = String.decode(pathNode, context: "storage key 'path'", diagnostics: diagnostics) {
                if path.isEmpty {
                    diagnostics.error("storage: 'path' must not be empty", at: pathNode.location)
                } else {
                    s.path = path
                }
            }
            let mode = r.choice("fsync", of: ["always", "interval", "never"], default: "always")
            let interval = r.optional("fsync_interval", default: ConfigDuration.ms(10), in: ConfigDuration.ms(1)...ConfigDuration.s(10))
            switch mode {
            case "interval": s.fsync = .interval(interval)
            case "never": s.fsync = .never
            default: s.fsync = .always
            }
            if mode != "interval", let n = r.node("fsync_interval"), !n.isNull {
                diagnostics.warning("storage: 'fsync_interval' has no effect unless fsync is interval", at: n.location)
            }
            s.segmentSize = r.optional("segment_size", default: s.segmentSize, in: ConfigByteSize.kib(64)...ConfigByteSize.gib(4))
            s.dedupeWindow = r.optional("dedupe_window", default: s.dedupeWindow, in: ConfigDuration.s(1)...ConfigDuration.d(365))
            s.retention = r.optional("retention", default: s.retention, in: ConfigDuration.s(0)...ConfigDuration.d(3650))
            r.finish()
            return s
        }
    }
}
