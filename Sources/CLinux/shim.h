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
