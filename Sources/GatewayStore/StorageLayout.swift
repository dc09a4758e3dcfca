// Where everything lives under `storage.path`, and the on-disk formats, in one place:
//
//   LOCK                          flock held by the running gateway (StorageLock); holds its pid
//   journal/<20-digit n>.seg      journal segments (Journal)
//       header: "WGJSEG01" + u64 n (16 bytes), then records
//       record: u32 payload length, u32 CRC32C(payload), payload (all integers little-endian);
//               payload = StoredEvent encoding ("WGEV", version 1, see StoredEvent+Encoding.swift)
//   dedupe/dedupe.log             framed (time, key fingerprint) records and the journal
//                                 position they reach (DedupeLog)
//   sinks/<sink>/state.log        framed sink-state change records (SinkStateStore)
//
// Every log uses the same frame as journal records, so one scanner (FrameScanner) handles torn
// tails and corruption everywhere. Rewrites (compaction) go through a temporary file, fsync,
// rename and a directory fsync, so a crash leaves the old file or the new one.

public enum StorageLayout {
    public static func lockFile(_ storage: String) -> String { storage + "/LOCK" }
    public static func journalDirectory(_ storage: String) -> String { storage + "/journal" }
    public static func dedupeDirectory(_ storage: String) -> String { storage + "/dedupe" }
    public static func sinksDirectory(_ storage: String) -> String { storage + "/sinks" }
    public static func sinkDirectory(_ storage: String, sink: String) -> String { sinksDirectory(storage) + "/" + sink }
}
