@preconcurrency import Glibc
import KeytrailPOSIX
import KeytrailQuery
import Synchronization

/// `keytrail serve`: one I/O thread polls every connection and performs what its
/// `ConnectionMachine` decides (limits, deadlines, keep-alive); complete requests go to a fixed pool
/// of workers, each owning its `ActionAnswering` (its own read-only SQLite connection), which
/// answer, write the response and hand the connection back.
package final class Server: @unchecked Sendable {
    /// The address actually bound (port 0 resolved).
    package let boundAddress: ListenAddress
    let options: ServerOptions
    let gateway: Gateway
    let log: AccessLog
    private var listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let stopRequested = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let jobs = BlockingQueue<(Connection, HTTPRequest)>()
    /// Connections handed back by the workers, with whether to close them.
    private let returned = BlockingQueue<(Connection, close: Bool)>()
    private var answerers: [any ActionAnswering]
    private var connections: [Int32: Connection] = [:]
    private var acceptPausedUntil: Int64 = 0
    /// Connections a worker is answering (I/O thread only).
    private var busy = 0

    /// Binds the listening socket; `answerers` gives one per worker thread.
    package init(options: ServerOptions, gateway: Gateway, answerers: [any ActionAnswering]) throws(ServeError) {
        precondition(!answerers.isEmpty, "at least one worker")
        var o = options
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            // Keep descriptors for the index connections, the log and the wake pipe.
            let usable = Int(min(limit.rlim_cur, 1 << 20)) - 16 - 2 * answerers.count
            o.maxConnections = max(1, min(o.maxConnections, usable))
        }
        self.options = o
        self.gateway = gateway
        self.answerers = answerers
        self.log = AccessLog(enabled: !o.quiet)
        let (fd, port) = try Socket.listen(o.address)
        listener = fd
        var bound = o.address
        bound.port = port
        boundAddress = bound
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            let e = SystemError.current
            POSIX.close(fd)
            throw .system(call: "pipe", e)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        for f in fds {
            Socket.setNonBlocking(f)
            _ = fcntl(f, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        if listener >= 0 { POSIX.close(listener) }
        POSIX.close(wakeRead)
        POSIX.close(wakeWrite)
    }

    /// Asks the server to stop: no new connections, in-flight requests finish, `run` returns.
    /// Safe from any thread.
    package func requestStop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        wake()
    }

    private func wake() {
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    /// Serves until `requestStop`; `ready` runs once the workers are up.
    package func run(ready: () -> Void = {}) {
        var threads: [Thread] = []
        for answerer in answerers {
            let box = UncheckedBox(answerer)
            threads.append(Thread { [self] in self.work(box.value) })
        }
        answerers = []
        ready()
        loop()
        jobs.close()
        for t in threads { t.join() }
        for c in connections.values { POSIX.close(c.fd) }
        connections = [:]
    }

    // MARK: - I/O thread

    private func loop() {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let now = Clock.monotonicMillis()
            if stopRequested.load(ordering: .sequentiallyConsistent) && !stopping.load(ordering: .relaxed) {
                stopping.store(true, ordering: .sequentiallyConsistent)
                if listener >= 0 {
                    POSIX.close(listener)
                    listener = -1
                }
                for c in connections.values { perform(c, c.machine.stop()) }
            }
            if stopping.load(ordering: .relaxed) && busy == 0 { return }

            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let listening = listener >= 0 && now >= acceptPausedUntil
            if listening { fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
            var timeout: Int64 = 1000
            for c in connections.values where c.machine.isReading {
                fds.append(pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0))
                if let deadline = c.machine.deadline { timeout = min(timeout, max(0, deadline - now)) }
            }
            if listener >= 0 && !listening { timeout = min(timeout, max(0, acceptPausedUntil - now)) }
            do throws(SystemError) {
                _ = try POSIX.retrying { poll(&fds, nfds_t(fds.count), Int32(timeout)) }
            } catch {
                fatalError("poll: \(error)")
            }
            let after = Clock.monotonicMillis()

            if fds[0].revents != 0 {
                while let n = try? Socket.read(wakeRead, into: &scratch), n > 0 {}
            }
            for (c, close) in returned.drain() {
                busy -= 1
                perform(c, c.machine.responded(close: close, now: after))
            }
            var index = 1
            if listening {
                if fds[1].revents != 0 { acceptAll(now: after) }
                index = 2
            }
            while index < fds.count {
                let p = fds[index]
                index += 1
                guard p.revents != 0, let c = connections[p.fd], c.machine.isReading else { continue }
                receive(c, &scratch, now: after)
            }
            for c in connections.values { perform(c, c.machine.tick(now: after)) }
        }
    }

    private func acceptAll(now: Int64) {
        for _ in 0..<64 {
            let fd: Int32
            let peer: String
            do throws(SystemError) {
                (fd, peer) = try Socket.accept(listener)
            } catch {
                if error.isResourceExhaustion { acceptPausedUntil = now + 100 }
                return
            }
            let c = Connection(
                fd: fd, peer: peer,
                machine: ConnectionMachine(
                    now: now, limits: ConnectionMachine.Limits(options),
                    parser: HTTPRequestParser(maxHead: options.maxHead, maxBody: options.maxBody)))
            if let refusal = ConnectionMachine.admit(open: connections.count, limit: options.maxConnections) {
                perform(c, refusal)
                continue
            }
            connections[fd] = c
        }
    }

    /// Reads what is available (at most 256 KiB a round) and feeds it to the connection's machine.
    private func receive(_ c: Connection, _ scratch: inout [UInt8], now: Int64) {
        var total = 0
        while total < 256 * 1024 && c.machine.isReading {
            let n: Int
            do throws(SystemError) {
                n = try Socket.receive(c.fd, into: &scratch)
            } catch {
                // Nothing more for now; any other error is a reset: nothing more to answer.
                if !error.isWouldBlock { perform(c, c.machine.peerClosed()) }
                return
            }
            guard n > 0 else {
                perform(c, c.machine.peerClosed())
                return
            }
            total += n
            let actions = scratch.withUnsafeBytes {
                c.machine.received(UnsafeRawBufferPointer(rebasing: $0[0..<n]), now: now)
            }
            perform(c, actions)
        }
    }

    /// Does what the connection's machine decided.
    private func perform(_ c: Connection, _ actions: [ConnectionMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let bytes):
                Socket.sendNow(c.fd, bytes)
            case .sendError(let e):
                let id = RequestID.make()
                let r = HTTPResponse(
                    status: e.httpStatus, body: e.body(requestId: id, pretty: true), requestId: id, code: e.code,
                    close: true)
                Socket.sendNow(c.fd, r.serialized())
                log.record(
                    peer: c.peer, caller: nil, action: nil, status: e.httpStatus, code: e.code, micros: 0,
                    accessKey: nil,
                    requestId: id)
            case .dispatch(let request):
                busy += 1
                jobs.push((c, request))
            case .shutdownWrite:
                shutdown(c.fd, Int32(SHUT_WR))
            case .close:
                if connections[c.fd] === c { connections.removeValue(forKey: c.fd) }
                POSIX.close(c.fd)
            }
        }
    }

    // MARK: - Workers

    private func work(_ answerer: any ActionAnswering) {
        while let (c, request) = jobs.pop() {
            let start = Clock.monotonicNanos()
            let outcome = gateway.handle(request) { answerer.answer($0, $1, requestId: $2) }
            var response = outcome.response
            if stopping.load(ordering: .relaxed) { response.close = true }
            let sent = Socket.sendAll(
                c.fd, response.head(), response.bodyBytes, deadline: start / 1_000_000 + options.writeTimeout)
            let micros = (Clock.monotonicNanos() - start) / 1000
            log.record(
                peer: c.peer, caller: outcome.caller, action: outcome.action, status: response.status,
                code: response.code, micros: micros, accessKey: outcome.accessKey, requestId: response.requestId)
            for note in outcome.notes { log.note(note) }
            returned.push((c, close: response.close || !sent))
            wake()
        }
    }
}
