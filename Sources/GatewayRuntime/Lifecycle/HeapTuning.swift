// glibc malloc settings for a serving gateway, applied once before the listeners start.

import CLinux

enum HeapTuning {
    /// Turns glibc's fastbins off (mallopt M_MXFAST = 0); small blocks still go through the
    /// per-thread tcache. Why: every webhook frees a few dozen small blocks and allocates a few of
    /// 1 KiB and more (envelope, journal record, file line), and each such allocation first sweeps
    /// every fastbin back into the free lists (`malloc_consolidate`). Under W1 that sweep and the
    /// unlinking it causes were ~3% of the gateway's CPU in perf; with fastbins off, three
    /// alternating runs (`bench/ab.sh 3`, the setting given as GLIBC_TUNABLES=glibc.malloc.mxfast=0)
    /// went from 16.9k to 19.5k req/s median, 57 to 50 µs of CPU per request.
    static func apply() {
        _ = mallopt(M_MXFAST, 0)
    }
}
