// A joinable OS thread for one event loop. Foundation's Thread cannot be joined, and `shutdown`
// must return only once every loop thread has exited.

#if canImport(Glibc)
import Glibc
#endif

final class LoopThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private var thread = pthread_t()

    init(_ body: @escaping () -> Void) throws(HTTPServerError) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            let body = Unmanaged<Body>.fromOpaque(arg!).takeRetainedValue()
            body.run()
            return nil
        }, box)
        guard rc == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw .system("pthread_create", errno: rc)
        }
    }

    func join() {
        pthread_join(thread, nil)
    }
}
