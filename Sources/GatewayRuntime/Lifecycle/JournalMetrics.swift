// Journal counters exposed at scrape time (the writer keeps them lock-free).

import GatewayCore
import GatewayStore

enum JournalMetrics {
    static func register(_ registry: MetricsRegistry, journal: Journal) {
        func counter(_ name: String, _ help: String, _ read: @escaping @Sendable (JournalStatistics) -> Int) {
            registry.computed(name, help, type: "counter") { [([], Double(read(journal.statistics)))] }
        }
        counter("gateway_journal_appends_total", "Records appended to the journal.") { $0.appends }
        counter("gateway_journal_append_failures_total", "Appends that failed (disk full, I/O error).") { $0.failedAppends }
        counter("gateway_journal_batches_total", "Group-commit batches written (one write per batch).") { $0.batches }
        counter("gateway_journal_fsyncs_total", "fdatasync calls; appends_total / fsyncs_total is the mean batch size.") { $0.syncs }
        counter("gateway_journal_bytes_written_total", "Bytes written to journal segments.") { $0.bytesWritten }
        counter("gateway_journal_rollovers_total", "Journal segments started after the first.") { $0.rollovers }
        counter("gateway_journal_prepared_rollovers_total",
                "Rollovers onto a zero-filled spare (fsync always/interval); fewer than rollovers_total means spares were late.") { $0.preparedRollovers }
        let syncSeconds = registry.histogram("gateway_journal_fsync_duration_seconds", "fdatasync latency per group-commit batch.").labels()
        let batchSize = registry.histogram(
            "gateway_journal_batch_records", "Records per group-commit batch (one write, at most one fdatasync).",
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096]).labels()
        journal.onBatch { records, sync in
            batchSize.observe(Double(records))
            if let sync { syncSeconds.observe(sync) }
        }
    }
}
