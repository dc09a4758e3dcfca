// `serve` runs with a larger glibc per-thread malloc cache (tcache): 256 chunks per size class
// instead of 7. glibc reads it only from the environment at start-up (GLIBC_TUNABLES; there is no
// mallopt for it), so `serve` sets the variable and re-executes itself once, before any thread or
// file exists: same pid, same arguments, same environment otherwise.
//
// Why: the event loop answers a round's requests together after one journal write (group commit),
// so every request's short-lived objects (the stored event, its completion, the response, ...)
// are freed together, ~50 of each size under load. Seven fit the cache; the rest went to glibc's
// shared bins and came back through `_int_malloc`'s slow path, which also sweeps the fastbins
// (`malloc_consolidate`). callgrind over 4000 W1 webhooks on 64 connections: 97.6k → 94.9k
// instructions per webhook, `_int_malloc` 2.4% → 0.9%, `malloc_consolidate` 0.3% → 0. The cache
// holds only chunks of 1032 bytes or less, at most 256 per size class: 8.3 MiB per thread at
// worst, reached only if 256 chunks of every size were freed at once (RSS: docs/PERFORMANCE.md).
//
// A GLIBC_TUNABLES that already sets the tcache count is the operator's choice and is left alone;
// it is also what stops the re-execution from repeating.

#if canImport(Glibc)
import Glibc
#endif

public enum MallocCache {
    static let tunable = "glibc.malloc.tcache_count"
    static let count = 256

    /// GLIBC_TUNABLES with the cache setting added to `current`, or nil when `current` already
    /// sets it.
    static func tunables(extending current: String?) -> String? {
        let current = current ?? ""
        guard !current.contains(tunable + "=") else { return nil }
        let setting = "\(tunable)=\(count)"
        return current.isEmpty ? setting : current + ":" + setting
    }

    /// Re-executes this process with the setting added to GLIBC_TUNABLES, unless it is already
    /// there. Returns only when nothing was done or `execv` failed (then the process runs with
    /// glibc's default cache: slower, not wrong).
    public static func enlargeByReexecuting() {
        let current = getenv("GLIBC_TUNABLES").map { String(cString: $0) }
        // The file's path rather than /proc/self/exe itself, which under valgrind is valgrind.
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        guard length > 0, let extended = tunables(extending: current), setenv("GLIBC_TUNABLES", extended, 1) == 0 else { return }
        _ = execv(path, CommandLine.unsafeArgv)
        // Still here: the binary was replaced or removed since it started ("… (deleted)").
        if let current { setenv("GLIBC_TUNABLES", current, 1) } else { unsetenv("GLIBC_TUNABLES") }
    }
}
