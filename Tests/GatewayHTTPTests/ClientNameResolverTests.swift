// Name resolution is bounded by the deadline: IP literals skip the asynchronous resolver, names go
// through getaddrinfo_a, a lookup that does not finish in time fails with `.resolutionTimeout`, and
// the lookup's memory outlives the caller exactly until the lookup ends (driven through a fake
// backend), plus one stall of the real resolver (a HOSTALIASES file that is a FIFO nobody writes).
import CLinux
import Foundation
@testable import GatewayHTTP
import Glibc
import Synchronization
import Testing

/// A backend whose lookup runs until the test completes it; records what the resolver did.
private final class StalledLookup: @unchecked Sendable {
    struct State {
        var control: UInt = 0
        var done: (@convention(c) (sigval) -> Void)?
        var value: UInt = 0
        var starts = 0
        var cancels = 0
    }
    let state = Mutex(State())
    weak var lookup: AsyncLookup?
    let cancelAnswer: Int32

    init(cancelAnswer: Int32) { self.cancelAnswer = cancelAnswer }

    var backend: AsyncLookupBackend {
        AsyncLookupBackend(
            start: { control, done, value in
                self.lookup = Unmanaged<AsyncLookup>.fromOpaque(value).takeUnretainedValue()
                control.pointee.status = CLINUX_EAI_INPROGRESS
                let (controlAddress, valueAddress) = (UInt(bitPattern: control), UInt(bitPattern: value))
                self.state.withLock {
                    $0.control = controlAddress; $0.done = done; $0.value = valueAddress; $0.starts += 1
                }
                return 0
            },
            wait: { _, milliseconds in usleep(UInt32(min(milliseconds, 50)) * 1000) },
            status: { $0.pointee.status },
            cancel: { _ in self.state.withLock { $0.cancels += 1 }; return self.cancelAnswer })
    }

    /// Finishes the lookup as glibc would: result written, then the notification on a new thread.
    func complete(with result: UnsafeMutablePointer<addrinfo>?) {
        let (controlAddress, done, address) = state.withLock { ($0.control, $0.done!, $0.value) }
        let control = UnsafeMutablePointer<clinux_gaicb>(bitPattern: controlAddress)!
        control.pointee.ar_result = result
        control.pointee.status = 0
        let notifier = Thread { done(sigval(sival_ptr: UnsafeMutableRawPointer(bitPattern: address))) }
        notifier.start()
        for _ in 0..<200 where lookup != nil { usleep(10_000) }
    }
}

private func numericList(_ host: String) -> UnsafeMutablePointer<addrinfo>? {
    var hints = addrinfo()
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    return getaddrinfo(host, "80", &hints, &list) == 0 ? list : nil
}

@Suite struct ClientNameResolverTests {
    @Test func resolvesIPLiteralsWithoutTheAsyncResolver() throws {
        let fake = StalledLookup(cancelAnswer: CLINUX_EAI_NOTCANCELED)
        for host in ["127.0.0.1", "::1"] {
            let list = try ClientNameResolver.resolve(host: host, port: 80, deadline: ClientDeadline(secondsFromNow: 1),
                                                      backend: fake.backend)
            #expect(list.pointee.ai_family == (host.contains(":") ? AF_INET6 : AF_INET))
            freeaddrinfo(list)
        }
        #expect(fake.state.withLock { $0.starts } == 0)
    }

    @Test func resolvesLocalhostThroughGetaddrinfoA() throws {
        let list = try ClientNameResolver.resolve(host: "localhost", port: 80, deadline: ClientDeadline(secondsFromNow: 5))
        defer { freeaddrinfo(list) }
        #expect([AF_INET, AF_INET6].contains(list.pointee.ai_family))
    }

    @Test func unknownNamesStillFailAsConnectErrors() {
        // ".invalid" never resolves (RFC 6761); /etc/hosts or DNS answer, or the deadline ends it.
        #expect {
            _ = try ClientNameResolver.resolve(host: "no-such-host.invalid", port: 80, deadline: ClientDeadline(secondsFromNow: 1))
        } throws: { error in
            switch error as? HTTPClientError {
            case .connect(let why): return why.hasPrefix("cannot resolve no-such-host.invalid")
            case .resolutionTimeout(let host): return host == "no-such-host.invalid"
            default: return false
            }
        }
    }

    @Test func aStalledLookupTimesOutAndIsFreedOnlyWhenItEnds() throws {
        let fake = StalledLookup(cancelAnswer: CLINUX_EAI_NOTCANCELED)
        let start = Date()
        #expect(throws: HTTPClientError.resolutionTimeout(host: "stalled.example")) {
            _ = try ClientNameResolver.resolve(host: "stalled.example", port: 443, deadline: ClientDeadline(secondsFromNow: 0.2),
                                               backend: fake.backend)
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.15 && elapsed < 2)
        #expect(fake.state.withLock { $0.cancels } == 1)
        // Still running after the caller gave up: its control block must stay valid.
        #expect(fake.lookup != nil)
        #expect(fake.lookup?.control.pointee.ar_name.map { String(cString: $0) } == "stalled.example")
        // The late result is nobody's now: the lookup frees it along with itself.
        fake.complete(with: numericList("127.0.0.1"))
        #expect(fake.lookup == nil)
    }

    @Test func aLookupCancelledBeforeItRanIsFreedAtOnce() throws {
        let fake = StalledLookup(cancelAnswer: CLINUX_EAI_CANCELED)
        #expect(throws: HTTPClientError.resolutionTimeout(host: "queued.example")) {
            _ = try ClientNameResolver.resolve(host: "queued.example", port: 80, deadline: ClientDeadline(secondsFromNow: 0.05),
                                               backend: fake.backend)
        }
        // glibc never notifies for a lookup it removed from its queue: the caller dropped both references.
        #expect(fake.lookup == nil)
    }

    @Test func aLookupThatFinishesInTimeHandsOverItsResult() throws {
        let fake = StalledLookup(cancelAnswer: CLINUX_EAI_NOTCANCELED)
        let finisher = Thread {
            usleep(100_000)
            fake.complete(with: numericList("10.1.2.3"))
        }
        finisher.start()
        let list = try ClientNameResolver.resolve(host: "quick.example", port: 80, deadline: ClientDeadline(secondsFromNow: 5),
                                                  backend: fake.backend)
        defer { freeaddrinfo(list) }
        #expect(fake.state.withLock { $0.cancels } == 0)
        let address = list.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
        #expect(UInt32(bigEndian: address) == 0x0A01_0203)
    }

    @Test func theTimeoutNamesTheHostAndIsRetryable() {
        let error = HTTPClientError.resolutionTimeout(host: "sink.example.com")
        #expect(error.description == "timed out resolving sink.example.com")
        #expect(error.isRetryable)
    }

    /// The real resolver, stalled: for a name without dots glibc's DNS module first reads the file
    /// HOSTALIASES names, and opening a FIFO for reading blocks until someone opens it for writing.
    /// Needs `dns` among the hosts sources in nsswitch.conf (files alone never read HOSTALIASES).
    @Test(.enabled(if: hostsConsultDNS())) func aStalledSystemResolverIsBoundedByTheConnectTimeout() throws {
        let fifo = StalledAliasFile.shared
        fifo.arm()
        defer { fifo.release() }
        // Should the resolver block after all (as plain getaddrinfo did), free it after 5 s so the
        // test fails on the elapsed time instead of hanging.
        let watchdog = Thread { usleep(5_000_000); fifo.release() }
        watchdog.start()
        let client = HTTPClient(configuration: .init(connectTimeout: 0.3))
        let start = Date()
        #expect(throws: HTTPClientError.resolutionTimeout(host: "gatewaystalledname")) {
            _ = try client.send(HTTPClientRequest(url: HTTPURL("http://gatewaystalledname:8080/")!))
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.25 && elapsed < 3)
    }
}

private func hostsConsultDNS() -> Bool {
    guard let text = try? String(contentsOfFile: "/etc/nsswitch.conf", encoding: .utf8) else { return false }
    return text.split(separator: "\n").contains { line in
        line.hasPrefix("hosts:") && line.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains("dns")
    }
}

/// HOSTALIASES pointing at a FIFO. The variable is set once for the whole test process and never
/// unset (setenv's first call copies the environment and frees nothing, so threads reading it
/// concurrently are safe); it only matters for dotless names that reach DNS, which no other test
/// resolves. After the test the FIFO is replaced by an empty file so later lookups do not block.
private final class StalledAliasFile: @unchecked Sendable {
    static let shared = StalledAliasFile()
    let path = NSTemporaryDirectory() + "gateway-hostaliases-\(getpid())"
    private let lock = Mutex(false)

    private init() {
        unlink(path)
        mkfifo(path, 0o600)
        setenv("HOSTALIASES", path, 1)
    }

    func arm() {
        lock.withLock { released in
            released = false
            var st = stat()
            if stat(path, &st) != 0 || (st.st_mode & S_IFMT) != S_IFIFO { unlink(path); mkfifo(path, 0o600) }
        }
    }

    /// Lets any reader blocked in open(2) go (it then reads end of file), and leaves a plain empty file.
    func release() {
        lock.withLock { released in
            guard !released else { return }
            released = true
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            unlink(path)
            let empty = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if empty >= 0 { close(empty) }
            if writer >= 0 { close(writer) }
        }
    }
}
