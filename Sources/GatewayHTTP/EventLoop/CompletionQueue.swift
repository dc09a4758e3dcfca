// The only lock on the request path: responses completed on other threads (e.g. after a journal
// fsync) are queued here and the loop is woken through an eventfd. The eventfd is written only
// when the queue goes from empty to non-empty, so a burst of completions costs one wake-up.

import CLinux
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

struct Completion {
    var connection: UInt64
    var sequence: UInt64
    var response: HTTPResponse
}

final class CompletionQueue: Sendable {
    private struct State {
        var items: [Completion] = []
        var closed = false
    }

    private let state = Mutex(State())
    let eventFD: Int32

    init() throws(HTTPServerError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw .system("eventfd") }
        eventFD = fd
    }

    func push(_ c: Completion) {
        state.withLock { s in
            // After the loop exited the eventfd is closed (and its number may be reused): drop.
            // The write happens under the lock for the same reason.
            guard !s.closed else { return }
            s.items.append(c)
            if s.items.count == 1 { wake() }
        }
    }

    /// Wakes the loop without queueing anything (shutdown requests).
    func signal() {
        state.withLock { s in
            if !s.closed { wake() }
        }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(eventFD, &one, 8)
    }

    /// Clears the eventfd counter and takes everything queued so far.
    func drain(into out: inout [Completion]) {
        var counter: UInt64 = 0
        _ = read(eventFD, &counter, 8)
        state.withLock { s in swap(&s.items, &out) }
    }

    /// Called by the loop as it exits: later pushes are dropped, then the eventfd is closed.
    func close() {
        state.withLock { s in
            s.closed = true
            s.items.removeAll()
        }
        Glibc.close(eventFD)
    }
}
