// Reading and parsing: bytes go from the socket into the reused read buffer, the parser turns them
// into heads, body bytes and ends, and each complete request goes to the handler.

extension Connection {
    func readAndProcess() {
        if readStart < readEnd || !parser.isIdle { processInput() }
        while !noMoreRequests && !readPaused && !readClosed && !closed {
            if readEnd == input.count {
                compact(force: true)
                if readEnd == input.count {
                    // Only a head can fill the buffer (body bytes are consumed as they arrive):
                    // grow it up to the header limit's size; the parser answers 431 before the
                    // maximum is reached, so the last branch is a guard, not a path.
                    let maximum = loop.settings.readBufferSize
                    guard input.count < maximum else {
                        failRequest(.headerTooLarge)
                        return
                    }
                    input.append(contentsOf: repeatElement(0, count: min(input.count, maximum - input.count)))
                }
            }
            let start = readEnd
            let r = input.withUnsafeMutableBytes { transport.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
            switch r {
            case .bytes(let n):
                if parser.isIdle && readStart == readEnd { headStartedAt = loop.now }
                let drained = n < input.count - start
                readEnd += n
                lastActivity = loop.now
                processInput()
                // A short read of a plain socket emptied its receive queue; with edge-triggered epoll
                // any later byte raises a new event, so the read that would only say EAGAIN is
                // skipped (one syscall less per request). TLS may hold decrypted bytes back, and a
                // FIN must still be read, so those keep reading.
                if drained && transport.tls == nil && !peerHangup { return }
            case .wouldBlock:
                return
            case .eof:
                readClosed = true
                peerClosed()
                return
            case .failed:
                loop.close(self)
                return
            }
        }
    }

    func processInput() {
        while !noMoreRequests && !closed {
            if parser.isIdle && (slots.count >= loop.settings.maxPipelined || outputBacklogged) {
                readPaused = true
                return
            }
            let start = readStart
            let end = readEnd
            let (event, used) = input.withUnsafeBytes { buf -> (HTTPRequestParser.Event, Int) in
                let r = parser.parse(UnsafeRawBufferPointer(rebasing: buf[start..<end]))
                if case .body(let range) = r.event {
                    currentBody.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[(start + range.lowerBound)..<(start + range.upperBound)]))
                }
                return r
            }
            readStart += used
            // `consume`: the head moves into `acceptHead` and on into the request instead of being
            // copied (a retain and a release for each of its strings and arrays, ~15 per request).
            switch consume event {
            case .needMoreData:
                compact(force: false)
                return
            case .head(let head, let framing):
                acceptHead(head, framing)
            case .body:
                continue
            case .end:
                finishRequest()
            case .failed(let error):
                failRequest(error)
                return
            }
        }
    }

    private func acceptHead(_ head: consuming HTTPRequestHead, _ framing: HTTPRequestFraming) {
        bodyStartedAt = loop.now
        let headOnly = head.method == "HEAD"
        switch loop.handler.prepare(head) {
        case .reject(let response):
            queueFinal(response, headOnly: headOnly)
        case .accept(let limit):
            if let error = parser.beginBody(limit: limit) {
                failRequest(error)
                return
            }
            let sequence = nextSequence
            nextSequence += 1
            var expectsBody = true
            if case .none = framing.body { expectsBody = false }
            slots.append(ResponseSlot(
                sequence: sequence, headOnly: headOnly,
                http10KeepAlive: head.version == .http1_0 && framing.keepAlive,
                continuePending: framing.expectContinue && expectsBody))
            currentHead = consume head
            currentFraming = framing
            currentSequence = sequence
            currentBody = []
            if case .length(let n) = framing.body { currentBody.reserveCapacity(n) }
        }
    }

    private func finishRequest() {
        guard let head = currentHead.take(), let framing = currentFraming else { return }
        requestsRead += 1
        let maxRequests = loop.settings.maxRequestsPerConnection
        let keepAlive = framing.keepAlive && (maxRequests == 0 || requestsRead < maxRequests) && !loop.stopping
        if let i = slots.lastIndex(where: { $0.sequence == currentSequence }) {
            // The whole body is here: a 100 not yet sent is no longer useful.
            slots[i].continuePending = false
            if !keepAlive { slots[i].closeAfter = true }
            slots[i].handedAt = loop.now
        }
        if !keepAlive { noMoreRequests = true }
        let request = HTTPRequest(head: consume head, body: currentBody, remoteAddress: remoteAddress)
        let sequence = currentSequence
        currentFraming = nil
        currentBody = []
        headStartedAt = loop.now
        loop.handler.handle(request, responder: HTTPResponder(loop: loop, connection: id, sequence: sequence))
    }

    /// A parse error or a timeout: its status with a short plain body, then close.
    func failRequest(_ error: HTTPParseError) {
        if loop.logger.isEnabled(.debug) {
            loop.logger.debug("request refused", [("remote", remoteAddress), ("status", String(error.status)), ("reason", error.reason)])
        }
        queueFinal(HTTPResponse.text(error.status, error.reason + "\n"))
    }

    /// Queues a response that ends the connection, in order after every earlier response. When a
    /// body is being read its request already has a slot, which this response fills.
    func queueFinal(_ response: HTTPResponse, headOnly: Bool = false) {
        noMoreRequests = true
        if currentHead != nil, let i = slots.lastIndex(where: { $0.sequence == currentSequence }) {
            slots[i].response = response
            slots[i].closeAfter = true
            slots[i].continuePending = false
            currentHead = nil
            currentFraming = nil
            currentBody = []
            return
        }
        let sequence = nextSequence
        nextSequence += 1
        slots.append(ResponseSlot(sequence: sequence, headOnly: headOnly, closeAfter: true, response: response))
    }

    /// EOF from the peer: answer what was fully received, drop a request cut off midway.
    private func peerClosed() {
        if currentHead != nil {
            slots.removeAll { $0.sequence == currentSequence && $0.response == nil }
            currentHead = nil
            currentFraming = nil
        }
        noMoreRequests = true
        if slots.isEmpty { loop.close(self) }
    }

    private func compact(force: Bool) {
        if readStart == readEnd {
            readStart = 0
            readEnd = 0
            return
        }
        guard readStart > 0, force || readStart > input.count / 2 else { return }
        let (start, count) = (readStart, readEnd - readStart)
        input.withUnsafeMutableBytes { buf in
            let base = buf.baseAddress!
            base.copyMemory(from: base + start, byteCount: count)
        }
        readStart = 0
        readEnd = count
    }
}
