// One accepted connection, owned by exactly one event loop thread for its whole life. `drive()` is
// the single entry point for readiness: it reads and parses what it can, hands complete requests
// to the handler, writes every ready response in one write, and decides when to close.

import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

final class Connection {
    let id: UInt64
    /// `unowned(unsafe)`: a connection is reachable only through its loop's table (nothing else
    /// keeps one, and it has no deinit), so the loop outlives every use of this reference. The
    /// checked `unowned` paid a strong retain and a release on each of the ~18 reads per request.
    unowned(unsafe) let loop: EventLoop
    var transport: Transport
    let remoteAddress: String

    var parser: HTTPRequestParser
    /// Read buffer, reused for the connection's life; unconsumed bytes are `input[readStart..<readEnd]`.
    var input: [UInt8]
    var readStart = 0
    var readEnd = 0

    // The request whose head was accepted and whose body is being read.
    var currentHead: HTTPRequestHead?
    var currentFraming: HTTPRequestFraming?
    var currentBody: [UInt8] = []
    var currentSequence: UInt64 = 0
    var nextSequence: UInt64 = 0
    var requestsRead = 0

    var slots: [ResponseSlot] = []
    var output = ByteBuffer(capacity: 512)
    var outputOffset = 0

    /// Nothing more is parsed: a response that closes the connection is queued or the peer left.
    var noMoreRequests = false
    /// The last queued response said `Connection: close`; close once it is written.
    var closeAfterFlush = false
    var readClosed = false
    /// epoll reported the peer's FIN or an error: read on to EOF instead of stopping at a short read.
    var peerHangup = false
    /// Reading stopped because `maxPipelined` requests await responses.
    var readPaused = false
    var lingering = false
    var closed = false
    /// Inside `drive()`: responses delivered on the loop thread wait for its flush.
    var processing = false

    let acceptedAt: UInt64
    var headStartedAt: UInt64 = 0
    var bodyStartedAt: UInt64 = 0
    var lastActivity: UInt64
    var lingerUntil: UInt64 = 0
    /// When this connection next needs attention from the loop's tick (0 = no deadline).
    var deadline: UInt64 = 0

    init(id: UInt64, loop: EventLoop, transport: Transport, remoteAddress: String) {
        self.id = id
        self.loop = loop
        self.transport = transport
        self.remoteAddress = remoteAddress
        parser = HTTPRequestParser(limits: loop.settings.parserLimits)
        // Small to start (a webhook head is a few hundred bytes; 1024 idle keep-alive connections
        // then hold 4 MiB, not 17), grown for a large head only.
        input = [UInt8](repeating: 0, count: min(4096, loop.settings.readBufferSize))
        acceptedAt = loop.now
        lastActivity = loop.now
        headStartedAt = loop.now
    }

    func drive(hangup: Bool = false) {
        guard !closed else { return }
        if hangup { peerHangup = true }
        if !transport.handshakeDone {
            switch transport.handshake() {
            case .bytes: break
            case .wouldBlock:
                updateDeadline()
                return
            case .eof, .failed:
                loop.close(self)
                return
            }
        }
        if lingering {
            drainLinger()
            return
        }
        processing = true
        repeat {
            readAndProcess()
            if closed { return }
            flush()
            if closed { return }
        } while resumeReading()
        processing = false
        updateDeadline()
    }

    private func resumeReading() -> Bool {
        guard readPaused, !noMoreRequests, slots.count < loop.settings.maxPipelined, !outputBacklogged else { return false }
        readPaused = false
        return true
    }

    /// A response completed (on the loop thread, directly or via the completion queue).
    func deliver(sequence: UInt64, response: HTTPResponse) {
        guard !closed, let i = slots.firstIndex(where: { $0.sequence == sequence }), slots[i].response == nil else { return }
        slots[i].response = response
        if !processing {
            processing = true
            flush()
            if closed { return }
            while resumeReading() {
                readAndProcess()
                if closed { return }
                flush()
                if closed { return }
            }
            processing = false
            updateDeadline()
        }
    }

    /// A peer that sends requests but does not read the responses: stop reading until it does,
    /// instead of buffering its responses without bound.
    var outputBacklogged: Bool { output.count - outputOffset > 256 * 1024 }

    // MARK: deadlines

    func updateDeadline() {
        guard !closed else { return }
        let s = loop.settings
        func after(_ start: UInt64, _ timeout: UInt64) -> UInt64 { timeout == 0 ? 0 : start &+ timeout }
        if lingering {
            deadline = lingerUntil
            return
        }
        defer {
            // Whatever else is awaited, a request with the handler must be answered in time.
            if let due = pendingAnswer()?.due { deadline = deadline == 0 ? due : min(deadline, due) }
        }
        if outputOffset < output.count {
            deadline = after(lastActivity, s.idleTimeout == 0 ? s.headerTimeout : s.idleTimeout)
        } else if !transport.handshakeDone {
            deadline = after(acceptedAt, s.headerTimeout)
        } else if noMoreRequests || readPaused {
            deadline = 0  // waiting for the handler, which owns its own timing
        } else if parser.isReadingBody {
            deadline = after(bodyStartedAt, s.bodyTimeout)
        } else if !parser.isIdle || readStart < readEnd {
            deadline = after(headStartedAt, s.headerTimeout)
        } else if !slots.isEmpty {
            deadline = 0
        } else if requestsRead == 0 {
            // A connection that has not sent a complete request yet gets the header timeout, not the
            // (longer) idle one, so silent connections cannot be hoarded.
            deadline = after(acceptedAt, s.headerTimeout)
        } else {
            deadline = after(lastActivity, s.idleTimeout)
        }
    }

    /// The oldest request with the handler, and when its answer is due (nil: none waits, or no
    /// response timeout is set).
    private func pendingAnswer() -> (slot: Int, due: UInt64)? {
        let timeout = loop.settings.responseTimeout
        guard timeout > 0, let i = slots.firstIndex(where: { $0.response == nil && $0.handedAt != 0 }) else { return nil }
        return (i, slots[i].handedAt &+ timeout)
    }

    /// Called by the loop's tick once `deadline` has passed.
    func timedOut() {
        guard !closed else { return }
        if !lingering, let pending = pendingAnswer(), loop.now >= pending.due {
            answerLate(slot: pending.slot)
            return
        }
        if lingering || outputOffset < output.count || !transport.handshakeDone {
            loop.close(self)
            return
        }
        if parser.isReadingBody || !parser.isIdle || readStart < readEnd {
            // A head or body that did not arrive in time (slowloris): 408, then close.
            loop.logger.debug("request timed out", [("remote", remoteAddress)])
            queueFinal(HTTPResponse.text(408, "request timeout\n"))
            flushOutsideDrive()
            return
        }
        loop.close(self)  // idle keep-alive
    }

    /// The handler did not answer the request in `slots[i]` within the response timeout: 503 with
    /// Retry-After (the client may retry; nothing was acknowledged), then close, dropping the
    /// requests pipelined behind it. Should the handler answer later, the slot is gone and it is
    /// ignored.
    private func answerLate(slot i: Int) {
        loop.logger.warning("handler did not answer in time: 503", [
            ("remote", remoteAddress), ("timeout_seconds", String(Double(loop.settings.responseTimeout) / 1e9)),
        ])
        slots[i].response = HTTPResponse.text(503, "no answer in time; retry later\n", headers: HeaderFields([("retry-after", "5")]))
        slots[i].closeAfter = true
        slots.removeSubrange((i + 1)...)
        noMoreRequests = true
        currentHead = nil
        currentFraming = nil
        currentBody = []
        flushOutsideDrive()
    }

    /// Writes a response queued by a timeout (outside `drive()`), then re-arms the deadline.
    private func flushOutsideDrive() {
        processing = true
        flush()
        if closed { return }
        processing = false
        updateDeadline()
    }

    // MARK: closing

    /// Starts a graceful close after the last response: half-close, then drain what the peer still
    /// sends for a moment so our response is not reset in flight.
    func beginClose() {
        if readClosed {
            loop.close(self)
            return
        }
        transport.shutdownWrite()
        lingering = true
        lingerUntil = loop.now &+ loop.settings.lingerTimeout
        drainLinger()
    }

    private func drainLinger() {
        while true {
            let r = input.withUnsafeMutableBytes { transport.read(into: $0) }
            switch r {
            case .bytes: continue
            case .wouldBlock:
                updateDeadline()
                return
            case .eof, .failed:
                loop.close(self)
                return
            }
        }
    }

    /// Called by the loop when shutdown starts: idle connections close now; busy ones finish the
    /// request in progress and close after its response.
    func beginShutdown() {
        guard !closed, !lingering else { return }
        if slots.isEmpty && parser.isIdle && readStart == readEnd && outputOffset == output.count {
            loop.close(self)
            return
        }
        if parser.isIdle && readStart == readEnd {
            noMoreRequests = true
            if let last = slots.indices.last {
                slots[last].closeAfter = true
            } else {
                closeAfterFlush = true  // only unwritten output left: close once it is out
            }
            if !processing { flushOutsideDrive() }
        }
    }
}
