@preconcurrency import Glibc
import KeytrailQuery
import Synchronization

/// `keytrail serve`: one I/O thread polls every connection and enforces the limits and deadlines;
/// complete requests go to a fixed pool of workers, each owning its `ActionAnswering` (its own
/// read-only SQLite connection), which answer, write the response and hand the connection back.
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
    private let jobs = WorkQueue<(Connection, HTTPRequest)>()
    private let returned = WorkQueue<Connection>()
    private var answerers: [any ActionAnswering]
    private var connections: [Int32: Connection] = [:]
    private var acceptPausedUntil: Int64 = 0

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
            close(fd)
            throw ServeError("pipe: \(Socket.lastError)")
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        for f in fds {
            Socket.setNonBlocking(f)
            _ = fcntl(f, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        if listener >= 0 { close(listener) }
        close(wakeRead)
        close(wakeWrite)
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
        var threads: [pthread_t] = []
        for answerer in answerers {
            let box = UncheckedBox(answerer)
            threads.append(startThread { [self] in self.work(box.value) })
        }
        answerers = []
        ready()
        loop()
        jobs.close()
        for t in threads { pthread_join(t, nil) }
        for c in connections.values { close(c.fd) }
        connections = [:]
    }

    // MARK: - I/O thread

    private func loop() {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var busy = 0
        while true {
            let now = monotonicMillis()
            if stopRequested.load(ordering: .sequentiallyConsistent) && !stopping.load(ordering: .relaxed) {
                stopping.store(true, ordering: .sequentiallyConsistent)
                if listener >= 0 {
                    close(listener)
                    listener = -1
                }
                for c in connections.values where c.state != .busy { drop(c) }
            }
            let isStopping = stopping.load(ordering: .relaxed)
            if isStopping && busy == 0 { return }

            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let listening = listener >= 0 && now >= acceptPausedUntil
            if listening { fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
            var timeout: Int64 = 1000
            for c in connections.values where c.state != .busy {
                fds.append(pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0))
                timeout = min(timeout, max(0, c.deadline - now))
            }
            if listener >= 0 && !listening { timeout = min(timeout, max(0, acceptPausedUntil - now)) }
            let r = poll(&fds, nfds_t(fds.count), Int32(timeout))
            if r < 0 && errno != EINTR { fatalError("poll: \(Socket.lastError)") }
            let after = monotonicMillis()

            if fds[0].revents != 0 {
                while read(wakeRead, &scratch, scratch.count) > 0 {}
            }
            for c in returned.drain() {
                busy -= 1
                if c.closeAfterResponse || stopping.load(ordering: .relaxed) {
                    drop(c)
                } else {
                    c.state = .reading
                    c.requestStarted = false
                    c.deadline = after + options.idleTimeout
                    if advance(c, now: after) { busy += 1 }
                }
            }
            var index = 1
            if listening {
                if fds[1].revents != 0 { acceptAll(now: after) }
                index = 2
            }
            while index < fds.count {
                let p = fds[index]
                index += 1
                guard p.revents != 0, let c = connections[p.fd], c.state != .busy else { continue }
                if receive(c, &scratch, now: after) { busy += 1 }
            }
            for c in connections.values where c.state != .busy && c.deadline <= after {
                expire(c, now: after)
            }
        }
    }

    private func acceptAll(now: Int64) {
        for _ in 0..<64 {
            guard let (fd, peer) = Socket.accept(listener) else {
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    acceptPausedUntil = now + 100
                }
                return
            }
            if connections.count >= options.maxConnections {
                let (bytes, status, code) = errorResponse(.tooManyConnections)
                Socket.sendNow(fd, bytes)
                close(fd)
                log.record(peer: peer, caller: nil, action: nil, status: status, code: code, micros: 0)
                continue
            }
            connections[fd] = Connection(
                fd: fd, peer: peer, parser: HTTPRequestParser(maxHead: options.maxHead, maxBody: options.maxBody),
                deadline: now + options.headTimeout)
        }
    }

    /// Reads what is available; true when a request went to a worker.
    private func receive(_ c: Connection, _ scratch: inout [UInt8], now: Int64) -> Bool {
        var total = 0
        while total < 256 * 1024 {
            let n = scratch.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                total += n
                if c.state == .lingering {
                    c.discarded += n
                    if c.discarded > 1 << 20 {
                        drop(c)
                        return false
                    }
                    continue
                }
                if !c.requestStarted {
                    c.requestStarted = true
                    c.deadline = now + options.headTimeout
                }
                scratch.withUnsafeBytes { c.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                if advance(c, now: now) { return true }
                if c.state != .reading { return false }
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return false }
            // EOF or a reset: nothing more to answer.
            drop(c)
            return false
        }
        return false
    }

    /// Parses buffered bytes; dispatches a complete request (true) or answers a broken one.
    private func advance(_ c: Connection, now: Int64) -> Bool {
        do throws(HTTPParseError) {
            if let request = try c.parser.next() {
                c.state = .busy
                jobs.push((c, request))
                return true
            }
            if c.parser.wantsContinue {
                Socket.sendNow(c.fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                c.parser.continueSent()
            }
            if !c.requestStarted && c.parser.hasPartialRequest {
                c.requestStarted = true
                c.deadline = now + options.headTimeout
            }
        } catch {
            answerAndLinger(c, .http(error), now: now)
        }
        return false
    }

    private func expire(_ c: Connection, now: Int64) {
        if c.state == .lingering || !c.requestStarted {
            drop(c)
        } else {
            answerAndLinger(c, .requestTimeout, now: now)
        }
    }

    /// Sends an error answer, shuts the write side, and drains the client's bytes for a moment so
    /// the answer is read rather than lost to a reset.
    private func answerAndLinger(_ c: Connection, _ e: APIError, now: Int64) {
        let (bytes, status, code) = errorResponse(e)
        Socket.sendNow(c.fd, bytes)
        shutdown(c.fd, Int32(SHUT_WR))
        c.state = .lingering
        c.deadline = now + 2000
        log.record(peer: c.peer, caller: nil, action: nil, status: status, code: code, micros: 0)
    }

    private func errorResponse(_ e: APIError) -> ([UInt8], Int, String) {
        let id = RequestID.make()
        let r = HTTPResponse(
            status: e.httpStatus, body: e.body(requestId: id, pretty: true), requestId: id, code: e.code, close: true)
        return (r.serialized(), e.httpStatus, e.code)
    }

    private func drop(_ c: Connection) {
        connections.removeValue(forKey: c.fd)
        close(c.fd)
    }

    // MARK: - Workers

    private func work(_ answerer: any ActionAnswering) {
        while let (c, request) = jobs.pop() {
            let start = monotonicMillis()
            var startTime = timespec()
            clock_gettime(CLOCK_MONOTONIC, &startTime)
            let outcome = gateway.handle(request) { answerer.answer($0, $1, requestId: $2) }
            var response = outcome.response
            if stopping.load(ordering: .relaxed) { response.close = true }
            let sent = Socket.sendAll(c.fd, response.serialized(), deadline: start + options.writeTimeout)
            var endTime = timespec()
            clock_gettime(CLOCK_MONOTONIC, &endTime)
            let micros =
                (Int64(endTime.tv_sec) - Int64(startTime.tv_sec)) * 1_000_000
                + (Int64(endTime.tv_nsec) - Int64(startTime.tv_nsec)) / 1000
            log.record(
                peer: c.peer, caller: outcome.caller, action: outcome.action, status: response.status,
                code: response.code, micros: micros)
            for note in outcome.notes { log.note(note) }
            c.closeAfterResponse = response.close || !sent
            returned.push(c)
            wake()
        }
    }
}

/// Moves a value that is not `Sendable` to the one thread that will use it.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
