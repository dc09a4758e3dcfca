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
#include <string.h>
#include <malloc.h>
#include <netdb.h>
#include <time.h>

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
/// glibc's asynchronous getaddrinfo, in libc.so.6 itself since 2.34 (libanl before). netdb.h
/// declares it only under _GNU_SOURCE, which this header must not define (above), so the control
/// block is declared here with glibc's layout (struct gaicb, unchanged since 2.2.3) under its own
/// name, and the functions are reached through asm labels naming the real symbols.
struct clinux_gaicb {
    const char *ar_name;
    const char *ar_service;
    const struct addrinfo *ar_request;
    struct addrinfo *ar_result;
    int status; /* glibc's __return: EAI_INPROGRESS until the lookup finishes */
    int reserved[5];
};
extern int clinux_getaddrinfo_a_(int, struct clinux_gaicb *[], int, struct sigevent *) __asm__("getaddrinfo_a");
extern int clinux_gai_suspend_(const struct clinux_gaicb *const [], int, const struct timespec *) __asm__("gai_suspend");
extern int clinux_gai_error_(struct clinux_gaicb *) __asm__("gai_error");
extern int clinux_gai_cancel_(struct clinux_gaicb *) __asm__("gai_cancel");
/// netdb.h's GNU-only constants, same values.
#define CLINUX_EAI_INPROGRESS (-100)
#define CLINUX_EAI_CANCELED (-101)
#define CLINUX_EAI_NOTCANCELED (-102)
#define CLINUX_EAI_ALLDONE (-103)
/// Starts one lookup (GAI_NOWAIT). When it finishes, glibc runs `done(value)` on a new detached thread.
static inline int clinux_gai_start(struct clinux_gaicb *request, void (*done)(union sigval), void *value) {
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_THREAD;
    event.sigev_notify_function = done;
    event.sigev_value.sival_ptr = value;
    struct clinux_gaicb *list[1] = { request };
    return clinux_getaddrinfo_a_(1 /* GAI_NOWAIT */, list, 1, &event);
}
/// Waits at most `milliseconds` for the lookup to finish (returns early on a signal or spuriously).
static inline void clinux_gai_wait(struct clinux_gaicb *request, int milliseconds) {
    struct timespec timeout = { milliseconds / 1000, (long)(milliseconds % 1000) * 1000000L };
    const struct clinux_gaicb *list[1] = { request };
    (void)clinux_gai_suspend_(list, 1, &timeout);
}
static inline int clinux_gai_error(struct clinux_gaicb *request) { return clinux_gai_error_(request); }
static inline int clinux_gai_cancel(struct clinux_gaicb *request) { return clinux_gai_cancel_(request); }
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
