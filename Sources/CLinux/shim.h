// Linux-only system headers that Glibc's module does not export, plus wrappers for the
// variadic or macro-based calls Swift cannot import directly.
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // sync_file_range, accept4
#endif
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

static inline int clinux_open(const char *path, int flags, mode_t mode) { return open(path, flags, mode); }
static inline int clinux_errno(void) { return errno; }
/// Accepts a connection already non-blocking and closed on exec (one call instead of accept + fcntl,
/// and no window in which a concurrently forked child inherits the socket).
static inline int clinux_accept_nonblocking(int fd, struct sockaddr *address, socklen_t *length) {
    return accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
static inline int clinux_start_writeback(int fd, long long offset, long long count) {
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
}
