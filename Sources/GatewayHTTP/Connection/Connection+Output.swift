// Writing: every response that is ready, in order, is encoded into one buffer and written with one
// write; what the socket does not take waits for the next writable event.

import GatewayCore

extension Connection {
    func flush() {
        while !slots.isEmpty && !closeAfterFlush {
            if slots[0].continuePending {
                output.append(HTTPResponseEncoder.continueResponse)
                slots[0].continuePending = false
            }
            guard let response = slots[0].response else { break }
            let slot = slots.removeFirst()
            let closing = slot.closeAfter || (noMoreRequests && slots.isEmpty) || HTTPResponseEncoder.requestsClose(response)
            HTTPResponseEncoder.encode(
                response, into: &output, date: loop.date.bytes, headOnly: slot.headOnly,
                connection: closing ? .close : (slot.http10KeepAlive ? .keepAlive : .none))
            if closing {
                closeAfterFlush = true
                noMoreRequests = true
                slots.removeAll()
            }
        }
        while outputOffset < output.count {
            let offset = outputOffset
            let r = output.withUnsafeBytes { transport.write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            switch r {
            case .bytes(let n):
                outputOffset += n
                lastActivity = loop.now
            case .wouldBlock:
                return
            case .eof, .failed:
                loop.close(self)
                return
            }
        }
        if output.reservedCapacity > 64 * 1024 { output = ByteBuffer(capacity: 512) } else { output.removeAll() }
        outputOffset = 0
        if closeAfterFlush && !lingering { beginClose() }
    }
}
