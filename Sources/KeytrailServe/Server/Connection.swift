/// One client connection. Owned by the I/O thread, except while `busy`, when one worker owns it.
final class Connection: @unchecked Sendable {
    enum State {
        /// Waiting for (more of) a request.
        case reading
        /// A worker answers a request.
        case busy
        /// An error was answered and the write side shut: draining until EOF or the deadline.
        case lingering
    }

    let fd: Int32
    let peer: String
    var parser: HTTPRequestParser
    var state = State.reading
    /// Monotonic ms when the current wait ends.
    var deadline: Int64
    /// Whether the wait is for a request already begun (408 on expiry) or an idle keep-alive (silent close).
    var requestStarted = true
    /// Set by the worker: close once returned.
    var closeAfterResponse = false
    /// Bytes discarded while lingering.
    var discarded = 0

    init(fd: Int32, peer: String, parser: HTTPRequestParser, deadline: Int64) {
        self.fd = fd
        self.peer = peer
        self.parser = parser
        self.deadline = deadline
    }
}
