package import KeytrailQuery

/// The life of one HTTP/1.1 connection, without sockets or clocks: events in (bytes arrived, the
/// clock reached a time, the response was written, the peer closed, the server stops), actions out
/// (send bytes, answer an error, hand a request to a worker, shut the write side, close).
///
/// The rules, in one place: a request's head and body must arrive within `headTimeout` of its first
/// byte (of the accept, for a new connection), else `408` and linger; an idle keep-alive connection
/// closes silently after `idleTimeout`; a malformed request is answered with its status, the write
/// side is shut and the client's bytes are drained for `linger` ms (at most `maxDiscard` of them) so
/// the answer is read rather than lost to a reset; `Expect: 100-continue` is answered once, when the
/// head is complete and the body is not; pipelined requests are answered one at a time. The server's
/// I/O loop (`Server`) performs the actions and feeds back the events.
package struct ConnectionMachine: Sendable {
    /// Where the connection is.
    package enum Phase: Equatable, Sendable {
        /// Waiting for (more of) a request.
        case reading
        /// A worker answers a request; nothing is read meanwhile.
        case busy
        /// An error was answered and the write side shut: draining until EOF or the deadline.
        case lingering
        /// Closed; no more events.
        case closed
    }

    /// What the I/O loop does next, in order.
    package enum Action: Equatable, Sendable {
        /// Send these bytes now, without waiting (`100 Continue`).
        case send([UInt8])
        /// Send this error's answer (a fresh RequestId, `Connection: close`) now, and log it.
        case sendError(APIError)
        /// Give this complete request to a worker.
        case dispatch(HTTPRequest)
        /// Shut the write side (the answer so far is all there will be).
        case shutdownWrite
        /// Close the connection and forget it.
        case close
    }

    /// The time limits, in milliseconds, and the drain limit.
    package struct Limits: Sendable {
        /// A request (head and body) must arrive within this of its first byte (408).
        package var headTimeout: Int64
        /// An idle keep-alive connection closes after this.
        package var idleTimeout: Int64
        /// How long the client's bytes are drained after an error answer.
        package var linger: Int64 = 2000
        /// The most bytes drained while lingering before closing at once.
        package var maxDiscard = 1 << 20

        /// Limits with the given timeouts.
        package init(headTimeout: Int64, idleTimeout: Int64) {
            self.headTimeout = headTimeout
            self.idleTimeout = idleTimeout
        }

        /// The limits `options` set.
        package init(_ options: ServerOptions) {
            self.init(headTimeout: options.headTimeout, idleTimeout: options.idleTimeout)
        }
    }

    /// The bytes of the interim answer to `Expect: 100-continue`.
    package static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Where the connection is.
    package private(set) var phase = Phase.reading
    /// When the current wait ends (monotonic ms); nil while a worker answers or once closed.
    package var deadline: Int64? { phase == .busy || phase == .closed ? nil : waitEnds }

    private let limits: Limits
    private var parser: HTTPRequestParser
    private var waitEnds: Int64
    /// Whether the wait is for a request already begun (408 on expiry) or an idle keep-alive (silent close).
    private var requestStarted = true
    /// Bytes discarded while lingering.
    private var discarded = 0
    /// The server stops: close instead of reading another request.
    private var stopping = false

    /// A connection accepted at `now`: its first request's head deadline runs from the accept.
    package init(now: Int64, limits: Limits, parser: HTTPRequestParser = HTTPRequestParser()) {
        self.limits = limits
        self.parser = parser
        waitEnds = now + limits.headTimeout
    }

    /// The answer to a connection accepted while `open` connections are open: nil to keep it, or the
    /// actions that refuse it (503, then close) when the cap `limit` is reached.
    package static func admit(open: Int, limit: Int) -> [Action]? {
        open >= limit ? [.sendError(.tooManyConnections), .close] : nil
    }

    /// Whether the I/O loop should read from the connection (poll it for input).
    package var isReading: Bool { phase == .reading || phase == .lingering }

    /// Bytes arrived at `now`.
    package mutating func received(_ bytes: UnsafeRawBufferPointer, now: Int64) -> [Action] {
        switch phase {
        case .busy, .closed:
            preconditionFailure("bytes read from a connection in phase \(phase)")
        case .lingering:
            discarded += bytes.count
            return discarded > limits.maxDiscard ? close() : []
        case .reading:
            if !requestStarted {
                requestStarted = true
                waitEnds = now + limits.headTimeout
            }
            parser.append(bytes)
            return advance(now: now)
        }
    }

    /// Bytes arrived at `now`.
    package mutating func received(_ bytes: [UInt8], now: Int64) -> [Action] {
        bytes.withUnsafeBytes { received($0, now: now) }
    }

    /// The clock reached `now`: a wait that ended times out.
    package mutating func tick(now: Int64) -> [Action] {
        guard let deadline, deadline <= now else { return [] }
        if phase == .lingering || !requestStarted { return close() }
        return fail(.requestTimeout, now: now)
    }

    /// The worker wrote the response at `now`; `close` when it said `Connection: close` or could
    /// not be sent whole. Otherwise the connection waits for the next request (one may be buffered).
    package mutating func responded(close: Bool, now: Int64) -> [Action] {
        precondition(phase == .busy, "a response on a connection in phase \(phase)")
        if close || stopping { return self.close() }
        phase = .reading
        requestStarted = false
        waitEnds = now + limits.idleTimeout
        return advance(now: now)
    }

    /// The peer closed or reset the connection: nothing more to answer.
    package mutating func peerClosed() -> [Action] { close() }

    /// The server stops accepting: close now, or once the request being answered is answered.
    package mutating func stop() -> [Action] {
        stopping = true
        return phase == .busy ? [] : close()
    }

    /// Parses buffered bytes: dispatches a complete request or answers a broken one.
    private mutating func advance(now: Int64) -> [Action] {
        do throws(HTTPParseError) {
            if let request = try parser.next() {
                phase = .busy
                return [.dispatch(request)]
            }
            var actions: [Action] = []
            if parser.wantsContinue {
                actions.append(.send(Self.continueResponse))
                parser.continueSent()
            }
            if !requestStarted && parser.hasPartialRequest {
                requestStarted = true
                waitEnds = now + limits.headTimeout
            }
            return actions
        } catch {
            return fail(.http(error), now: now)
        }
    }

    /// Answers `error`, shuts the write side and lingers.
    private mutating func fail(_ error: APIError, now: Int64) -> [Action] {
        phase = .lingering
        waitEnds = now + limits.linger
        return [.sendError(error), .shutdownWrite]
    }

    private mutating func close() -> [Action] {
        phase = .closed
        return [.close]
    }
}
