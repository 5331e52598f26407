@preconcurrency import Glibc
import KeytrailPOSIX
import KeytrailQuery
import Synchronization

/// One of the server's threads: it accepts connections on its descriptor of the listening
/// socket, polls the connections it accepted, feeds their bytes to their `ConnectionMachine`s and
/// does what they decide; a complete request is answered here, by this loop's `ActionAnswering`,
/// and written at once when the socket takes it (else by a slow-write thread, which hands the
/// connection back).
final class EventLoop: @unchecked Sendable {
    private unowned let server: Server
    private let answerer: any ActionAnswering
    private var listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private var connections: [Int32: Connection] = [:]
    /// Connections handed back by the slow-write threads, with whether to close them.
    private let returned = BlockingQueue<(Connection, close: Bool)>()
    /// Connections at a slow-write thread (this loop's thread only).
    private var busy = 0
    /// Pipelined requests parsed after their connection's previous answer, answered next round:
    /// each connection gets one answer a round, so a burst on one waits behind the others.
    private var deferred: [(Connection, HTTPRequest)] = []
    private var stopping = false
    /// The IDs of this loop's answers, drawn without a system call.
    private var requestIds = RequestID.Source()
    private var acceptPausedUntil: Int64 = 0

    init(server: Server, listener: Int32, answerer: any ActionAnswering) throws(ServeError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .system(call: "pipe", .current) }
        for f in fds {
            Socket.setNonBlocking(f)
            _ = fcntl(f, F_SETFD, FD_CLOEXEC)
        }
        self.server = server
        self.listener = listener
        self.answerer = answerer
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        if listener >= 0 { POSIX.close(listener) }
        POSIX.close(wakeRead)
        POSIX.close(wakeWrite)
    }

    /// Makes the loop's `poll` return. Safe from any thread.
    func wake() {
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    /// Gives a connection back from a slow-write thread. Safe from any thread.
    func handBack(_ c: Connection, close: Bool) {
        returned.push((c, close: close))
        wake()
    }

    /// Serves until the server stops and no response of this loop is still being written.
    func run() {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let now = Clock.monotonicMillis()
            if server.stopRequested.load(ordering: .sequentiallyConsistent) && !stopping {
                stopping = true
                if listener >= 0 {
                    POSIX.close(listener)
                    listener = -1
                }
                for c in Array(connections.values) { perform(c, c.machine.stop()) }
            }
            if stopping && busy == 0 && deferred.isEmpty { break }

            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let listening = listener >= 0 && now >= acceptPausedUntil
            if listening { fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
            var timeout: Int64 = 1000
            for c in connections.values where c.machine.isReading {
                fds.append(pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0))
                if let deadline = c.machine.deadline { timeout = min(timeout, max(0, deadline - now)) }
            }
            if listener >= 0 && !listening { timeout = min(timeout, max(0, acceptPausedUntil - now)) }
            if !deferred.isEmpty { timeout = 0 }
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
                perform(c, then(c, c.machine.responded(close: close, now: after)))
            }
            var index = 1
            if listening {
                if fds[1].revents != 0 { acceptOne(now: after) }
                index = 2
            }
            while index < fds.count {
                let p = fds[index]
                index += 1
                guard p.revents != 0, let c = connections[p.fd], c.machine.isReading else { continue }
                receive(c, &scratch, now: after)
            }
            let next = deferred
            deferred = []
            for (c, request) in next { perform(c, [.dispatch(request)]) }
            for c in Array(connections.values) { perform(c, c.machine.tick(now: after)) }
        }
        for c in connections.values { POSIX.close(c.fd) }
        server.open.subtract(connections.count, ordering: .relaxed)
        connections = [:]
    }

    /// Accepts one pending connection. One a round: every loop polls the listening socket, so a
    /// burst of connections is dealt among the loops instead of all going to the first awake.
    private func acceptOne(now: Int64) {
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
                now: now, limits: ConnectionMachine.Limits(server.options),
                parser: HTTPRequestParser(maxHead: server.options.maxHead, maxBody: server.options.maxBody)))
        let open = server.open.wrappingAdd(1, ordering: .relaxed).oldValue
        if let refusal = ConnectionMachine.admit(open: open, limit: server.options.maxConnections) {
            server.open.subtract(1, ordering: .relaxed)
            perform(c, refusal)
            return
        }
        connections[fd] = c
    }

    /// Reads what is available (at most 256 KiB a round, and no more once a request is answered)
    /// and feeds it to the connection's machine.
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
            // A request was answered: the other connections' turn. (Reading on, a client that
            // sends its next request as soon as it has the answer kept the loop to itself.)
            if actions.contains(where: { if case .dispatch = $0 { true } else { false } }) { return }
        }
    }

    /// Does what the connection's machine decided, and what it decides once a request is answered.
    private func perform(_ c: Connection, _ actions: [ConnectionMachine.Action]) {
        var pending = actions[...]
        while let action = pending.popFirst() {
            switch action {
            case .send(let bytes):
                Socket.sendNow(c.fd, bytes)
            case .sendError(let e):
                let id = requestIds.next()
                let r = HTTPResponse(
                    status: e.httpStatus, body: e.body(requestId: id, pretty: true), requestId: id, code: e.code,
                    close: true)
                Socket.sendNow(c.fd, r.serialized())
                server.log.record(
                    peer: c.peer, caller: nil, action: nil, status: e.httpStatus, code: e.code, micros: 0,
                    accessKey: nil, requestId: id)
            case .dispatch(let request):
                pending.append(contentsOf: answer(c, request))
            case .shutdownWrite:
                shutdown(c.fd, Int32(SHUT_WR))
            case .close:
                if connections[c.fd] === c {
                    connections.removeValue(forKey: c.fd)
                    server.open.subtract(1, ordering: .relaxed)
                }
                POSIX.close(c.fd)
            }
        }
    }

    /// Answers `request` and writes the response: what the machine decides once it is written,
    /// or nothing yet when a slow-write thread finishes it.
    private func answer(_ c: Connection, _ request: HTTPRequest) -> [ConnectionMachine.Action] {
        let start = Clock.monotonicNanos()
        let outcome = server.gateway.handle(request, requestId: requestIds.next()) {
            answerer.answer($0, $1, requestId: $2)
        }
        var response = outcome.response
        if stopping { response.close = true }
        let head = response.head()
        let sent = Socket.sendAvailable(c.fd, head, response.bodyBytes, response.bodyTail)
        if case .part(let n) = sent {
            if server.tracing {
                try? POSIX.write(
                    2, "trace: serve: \(c.peer) takes its answer slowly: \(n) bytes sent, the rest waits\n")
            }
            busy += 1
            server.slowWrites.push(
                Server.SlowWrite(
                    loop: self, connection: c, head: head, response: response, outcome: outcome, sent: n, start: start))
            return []
        }
        server.record(outcome, response, peer: c.peer, start: start)
        return then(c, c.machine.responded(close: response.close || sent == .failed, now: Clock.monotonicMillis()))
    }

    /// The actions after an answer, a pipelined request among them put off to the next round.
    private func then(_ c: Connection, _ actions: [ConnectionMachine.Action]) -> [ConnectionMachine.Action] {
        actions.filter { action in
            guard case .dispatch(let request) = action else { return true }
            deferred.append((c, request))
            return false
        }
    }
}
