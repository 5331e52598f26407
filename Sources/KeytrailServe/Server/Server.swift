@preconcurrency import Glibc
import KeytrailPOSIX
import KeytrailQuery
import Synchronization

/// `keytrail serve`: a fixed number of event loops (`EventLoop`), each a thread that accepts
/// connections, polls its own, performs what each connection's `ConnectionMachine` decides
/// (limits, deadlines, keep-alive), and answers each complete request itself, with its own
/// `ActionAnswering` (its own read-only SQLite connection). A request crosses no thread: the
/// handoffs of an I/O thread to workers and back took a third of the server's time on small
/// answers. Only a response the socket cannot take at once goes to a slow-write thread, so a
/// client that reads slowly holds up no other connection of its loop.
package final class Server: @unchecked Sendable {
    /// The address actually bound (port 0 resolved).
    package let boundAddress: ListenAddress
    let options: ServerOptions
    let gateway: Gateway
    let log: AccessLog
    let stopRequested = Atomic<Bool>(false)
    /// Connections open across the loops (the cap `options.maxConnections` counts them all).
    let open = Atomic<Int>(0)
    /// Responses the socket could not take at once, for the slow-write threads.
    let slowWrites = BlockingQueue<SlowWrite>()
    private var loops: [EventLoop] = []
    /// Whether `KEYTRAIL_TRACE` asks for a line on stderr when a response waits for a slow client.
    let tracing = POSIX.environment("KEYTRAIL_TRACE") != nil

    /// Binds the listening socket; `answerers` gives one per event loop.
    package init(options: ServerOptions, gateway: Gateway, answerers: [any ActionAnswering]) throws(ServeError) {
        precondition(!answerers.isEmpty, "at least one event loop")
        var o = options
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            // Keep descriptors for the index connections, the log, the listeners and the wake pipes.
            let usable = Int(min(limit.rlim_cur, 1 << 20)) - 16 - 5 * answerers.count
            o.maxConnections = max(1, min(o.maxConnections, usable))
        }
        self.options = o
        self.gateway = gateway
        self.log = AccessLog(enabled: !o.quiet)
        let (fd, port) = try Socket.listen(o.address)
        defer { POSIX.close(fd) }
        var bound = o.address
        bound.port = port
        boundAddress = bound
        // Each loop polls its own descriptor of the one listening socket (so each can close its
        // own when the server stops); the socket closes with the last.
        for answerer in answerers {
            let listener = dup(fd)
            guard listener >= 0 else { throw .system(call: "dup", .current) }
            _ = fcntl(listener, F_SETFD, FD_CLOEXEC)
            do throws(ServeError) {
                loops.append(try EventLoop(server: self, listener: listener, answerer: answerer))
            } catch {
                POSIX.close(listener)
                throw error
            }
        }
    }

    /// Asks the server to stop: no new connections, in-flight requests finish, `run` returns.
    /// Safe from any thread.
    package func requestStop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        for loop in loops { loop.wake() }
    }

    /// Serves until `requestStop`; `ready` runs once the loops are up.
    package func run(ready: () -> Void = {}) {
        let writers = (0..<loops.count).map { _ in Thread { [self] in self.writeSlowly() } }
        let threads = loops.dropFirst().map { loop in Thread { loop.run() } }
        ready()
        loops[0].run()
        for t in threads { t.join() }
        slowWrites.close()
        for t in writers { t.join() }
    }

    /// A response a loop's socket could not take at once, finished by a slow-write thread.
    struct SlowWrite: @unchecked Sendable {
        let loop: EventLoop
        let connection: Connection
        let head: [UInt8]
        let response: HTTPResponse
        let outcome: Gateway.Outcome
        /// Bytes of head and body already sent.
        let sent: Int
        let start: Int64
    }

    /// Sends the rest of each slow response (until the write timeout), logs it and hands the
    /// connection back to its loop.
    private func writeSlowly() {
        while let w = slowWrites.pop() {
            let ok = Socket.sendAll(
                w.connection.fd, w.head, w.response.bodyBytes, w.response.bodyTail, from: w.sent,
                deadline: w.start / 1_000_000 + options.writeTimeout)
            record(w.outcome, w.response, peer: w.connection.peer, start: w.start)
            w.loop.handBack(w.connection, close: w.response.close || !ok)
        }
    }

    /// The access log's line for an answered request, and its notes.
    func record(_ outcome: Gateway.Outcome, _ response: HTTPResponse, peer: String, start: Int64) {
        log.record(
            peer: peer, caller: outcome.caller, action: outcome.action, status: response.status,
            code: response.code, micros: (Clock.monotonicNanos() - start) / 1000, accessKey: outcome.accessKey,
            requestId: response.requestId)
        for note in outcome.notes { log.note(note) }
    }
}
