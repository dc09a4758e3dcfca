// Linux-only system headers that Glibc's module does not export, plus wrappers for the
// variadic or macro-based calls Swift cannot import directly.
#pragma once
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/file.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <malloc.h>

static inline int clinux_open(const char *path, int flags, mode_t mode) { return open(path, flags, mode); }
static inline int clinux_errno(void) { return errno; }
// accept4 and sync_file_range are declared only under _GNU_SOURCE, which this header must not
// define: it changes shared types (fd_set) and clean builds then fail on a conflict with
// Dispatch's module. The system calls are made directly instead.

/// Accepts a connection already non-blocking and closed on exec (one call instead of accept + fcntl,
/// and no window in which a concurrently forked child inherits the socket).
static inline int clinux_accept_nonblocking(int fd, struct sockaddr *address, socklen_t *length) {
    return (int)syscall(SYS_accept4, fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
/// Starts writeback of [offset, offset + count) without waiting for it
/// (sync_file_range with SYNC_FILE_RANGE_WRITE, whose value is 2).
static inline int clinux_start_writeback(int fd, long long offset, long long count) {
    return (int)syscall(SYS_sync_file_range, fd, offset, count, 2);
}
/// The C heap as glibc's allocator sees it, over all arenas: bytes handed out and not freed
/// (including mmapped blocks), and bytes it holds from the system whether in use or free.
static inline void clinux_heap_totals(unsigned long long *in_use, unsigned long long *held) {
    struct mallinfo2 m = mallinfo2();
    *in_use = (unsigned long long)(m.uordblks + m.hblkhd);
    *held = (unsigned long long)(m.arena + m.hblkhd);
}
/// O_DIRECT, which fcntl.h also names only under _GNU_SOURCE; __O_DIRECT is the architecture's value.
static inline int clinux_o_direct(void) { return __O_DIRECT; }

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdint.h>
#include <string.h>
/// Whether the CPU has SSE 4.2, whose crc32 instruction computes CRC32C (Castagnoli).
static inline int clinux_has_crc32c(void) {
    unsigned int a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2) != 0;
}
/// CRC32C of [p, p + n) continuing `crc` (pre- and post-inversion left to the caller), 8 bytes
/// per instruction. Compiled for SSE 4.2 alone, so the rest of the program keeps the baseline ISA:
/// call only when clinux_has_crc32c() is true.
__attribute__((target("sse4.2")))
static inline uint32_t clinux_crc32c(uint32_t crc, const void *data, size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = __builtin_ia32_crc32di(c, word);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p += 1;
        n -= 1;
    }
    return c32;
}
#endif
