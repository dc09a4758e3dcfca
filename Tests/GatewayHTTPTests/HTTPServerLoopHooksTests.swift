// The handler's view of an event loop's rhythm: `eventLoopDidProcessEvents` after each round of
// ready sockets, `eventLoopWillWait` when the loop runs out of work, and `wakeLoops()` to make
// the loops run a round from another thread. The journal's group commit relies on all three.

import Dispatch
import Testing
import GatewayCore
import GatewayHTTP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

@Suite struct HTTPServerLoopHooksTests {
    @Test func aHandlerCanHoldItsAnswersUntilTheLoopRunsOutOfWork() throws {
        // Requests are answered only from `eventLoopWillWait`: every answer arriving proves the
        // hook runs once the loop has nothing ready, after the rounds that handled them.
        let held = Mutex<[HTTPResponder]>([])
        let log = Mutex<[String]>([])
        var handler = TestHandler()
        handler.handleRequest = { _, responder in
            held.withLock { $0.append(responder) }
            log.withLock { $0.append("handle") }
        }
        handler.roundEnded = { log.withLock { $0.append("round") } }
        handler.willWait = {
            let responders = held.withLock { h -> [HTTPResponder] in defer { h = [] }; return h }
            if !responders.isEmpty { log.withLock { $0.append("wait") } }
            for r in responders { r.respond(HTTPResponse(status: 200, body: Array("held".utf8))) }
        }
        try withServer(handler: handler) { port, _ in
            let clients = try (0..<3).map { _ in try RawClient(port: port) }
            for c in clients { c.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n") }
            for c in clients {
                let r = try c.readResponse()
                #expect(r.status == 200)
                #expect(r.text == "held")
            }
        }
        let events = log.withLock { $0 }
        #expect(events.filter { $0 == "handle" }.count == 3)
        // Each answer came from a "wait" that followed the round which handled its request.
        for (i, e) in events.enumerated() where e == "wait" {
            #expect(i >= 2 && events[i - 1] == "round", "\(events)")
        }
    }

    @Test func wakeLoopsRunsARoundFromAnotherThread() throws {
        let rounds = Atomic<Int>(0)
        let waits = Atomic<Int>(0)
        var handler = TestHandler()
        handler.roundEnded = { rounds.add(1, ordering: .relaxed) }
        handler.willWait = { waits.add(1, ordering: .relaxed) }
        try withServer(handler: handler) { _, server in
            // Let the loop settle into its wait; then every wake-up is one round and one wait.
            for _ in 0..<200 where waits.load(ordering: .relaxed) == 0 { usleep(5000) }
            let (r0, w0) = (rounds.load(ordering: .relaxed), waits.load(ordering: .relaxed))
            DispatchQueue.global().async { server.wakeLoops() }
            for _ in 0..<200 where waits.load(ordering: .relaxed) == w0 { usleep(5000) }
            #expect(rounds.load(ordering: .relaxed) == r0 + 1)
            #expect(waits.load(ordering: .relaxed) == w0 + 1)
        }
    }

    @Test func aHandlerThatDoesNotAskIsNeverToldTheLoopWillWait() throws {
        let rounds = Atomic<Int>(0)
        let waits = Atomic<Int>(0)
        var handler = TestHandler()
        handler.wantsWillWait = false
        handler.roundEnded = { rounds.add(1, ordering: .relaxed) }
        handler.willWait = { waits.add(1, ordering: .relaxed) }
        try withServer(handler: handler) { port, server in
            let c = try RawClient(port: port)
            c.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try c.readResponse().status == 200)
            server.wakeLoops()
            for _ in 0..<200 where rounds.load(ordering: .relaxed) < 2 { usleep(5000) }
            #expect(rounds.load(ordering: .relaxed) >= 2)
        }
        #expect(waits.load(ordering: .relaxed) == 0)
    }
}
