import KeytrailQuery
import KeytrailServe
import Testing

/// The connection lifecycle without sockets or a clock: times are plain numbers (ms).
@Suite("Connection lifecycle")
struct ConnectionMachineTests {
    typealias Action = ConnectionMachine.Action

    /// 1 s for a request, 5 s idle, 2 s linger, 100 bytes drained at most.
    static func machine(now: Int64 = 0, maxBody: Int = 64 * 1024) -> ConnectionMachine {
        var limits = ConnectionMachine.Limits(headTimeout: 1000, idleTimeout: 5000)
        limits.maxDiscard = 100
        return ConnectionMachine(now: now, limits: limits, parser: HTTPRequestParser(maxBody: maxBody))
    }

    static let get = "GET /?a=1 HTTP/1.1\r\nHost: x\r\n\r\n"

    /// The request a dispatch action carries, nil for any other actions.
    static func dispatched(_ actions: [Action]) -> HTTPRequest? {
        guard actions.count == 1, case .dispatch(let r) = actions[0] else { return nil }
        return r
    }

    @Test func aCompleteRequestIsDispatchedAndNothingIsReadUntilItIsAnswered() throws {
        var m = Self.machine()
        let r = try #require(Self.dispatched(m.received(Array(Self.get.utf8), now: 10)))
        #expect(r.path == "/" && r.query == "a=1")
        #expect(m.phase == .busy && !m.isReading && m.deadline == nil)
        // No deadline runs while a worker answers, however long it takes.
        #expect(m.tick(now: 1_000_000).isEmpty)
        #expect(m.responded(close: false, now: 1_000_000).isEmpty)
        #expect(m.phase == .reading && m.isReading)
    }

    @Test func aNewConnectionThatSendsNothingGets408ThenLingersThenCloses() {
        var m = Self.machine(now: 100)
        #expect(m.deadline == 1100)
        #expect(m.tick(now: 1099).isEmpty)
        #expect(m.tick(now: 1100) == [.sendError(.requestTimeout), .shutdownWrite])
        #expect(m.phase == .lingering && m.deadline == 3100)
        #expect(m.tick(now: 3099).isEmpty)
        #expect(m.tick(now: 3100) == [.close])
        #expect(m.phase == .closed && m.deadline == nil)
    }

    @Test func theHeadDeadlineRunsFromTheFirstByteNotTheLast() {
        var m = Self.machine()
        #expect(m.received(Array("GET / HT".utf8), now: 900).isEmpty)
        // More bytes do not extend it (a slowloris is cut off).
        #expect(m.received(Array("TP/1.1\r\nX: 1".utf8), now: 999).isEmpty)
        #expect(m.deadline == 1000)
        #expect(m.tick(now: 1000) == [.sendError(.requestTimeout), .shutdownWrite])
    }

    @Test func anIdleKeepAliveConnectionClosesSilently() throws {
        var m = Self.machine()
        _ = try #require(Self.dispatched(m.received(Array(Self.get.utf8), now: 0)))
        #expect(m.responded(close: false, now: 50).isEmpty)
        #expect(m.deadline == 5050)
        #expect(m.tick(now: 5049).isEmpty)
        #expect(m.tick(now: 5050) == [.close])
    }

    @Test func theNextRequestsFirstByteStartsItsHeadDeadline() throws {
        var m = Self.machine()
        _ = try #require(Self.dispatched(m.received(Array(Self.get.utf8), now: 0)))
        #expect(m.responded(close: false, now: 50).isEmpty)
        #expect(m.received(Array("G".utf8), now: 3000).isEmpty)
        #expect(m.deadline == 4000)
        #expect(m.tick(now: 4000) == [.sendError(.requestTimeout), .shutdownWrite])
    }

    @Test func pipelinedRequestsAreAnsweredOneAtATime() throws {
        var m = Self.machine()
        let two = Self.get + "GET /b HTTP/1.1\r\n\r\nGET /c"
        #expect(try #require(Self.dispatched(m.received(Array(two.utf8), now: 0))).query == "a=1")
        #expect(try #require(Self.dispatched(m.responded(close: false, now: 10))).path == "/b")
        // The third has begun: its head deadline runs from the response that let it be read.
        #expect(m.responded(close: false, now: 20).isEmpty)
        #expect(m.deadline == 1020)
    }

    @Test(arguments: [true, false])
    func closeAfterTheResponseOrAStopCloses(byResponse: Bool) throws {
        var m = Self.machine()
        _ = try #require(Self.dispatched(m.received(Array(Self.get.utf8), now: 0)))
        if byResponse {
            #expect(m.responded(close: true, now: 10) == [.close])
        } else {
            // A stop waits for the answer being written, then closes instead of reading on.
            #expect(m.stop().isEmpty)
            #expect(m.responded(close: false, now: 10) == [.close])
        }
        #expect(m.phase == .closed)
    }

    @Test func aStopClosesAConnectionThatIsNotBeingAnswered() {
        var reading = Self.machine()
        #expect(reading.stop() == [.close])
        var lingering = Self.machine()
        _ = lingering.tick(now: 1000)
        #expect(lingering.stop() == [.close])
    }

    @Test func expectContinueIsAnsweredOnceThenTheBodyIsRead() throws {
        var m = Self.machine()
        let head = "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"
        #expect(m.received(Array(head.utf8), now: 0) == [.send(ConnectionMachine.continueResponse)])
        #expect(m.received(Array("ab".utf8), now: 1).isEmpty)
        #expect(try #require(Self.dispatched(m.received(Array("cd".utf8), now: 2))).body == Array("abcd".utf8))
        #expect(String(decoding: ConnectionMachine.continueResponse, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
    }

    @Test(arguments: [
        ("\u{01} nonsense\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nContent-Length: 70000\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411),
        ("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 40 * 1024), 431),
    ])
    func aBrokenRequestIsAnsweredWithItsStatusThenLingers(text: String, status: Int) throws {
        var m = Self.machine()
        let actions = m.received(Array(text.utf8), now: 7)
        #expect(actions.count == 2 && actions.last == .shutdownWrite)
        guard case .sendError(let e) = actions.first else {
            Issue.record("\(actions)")
            return
        }
        #expect(e.httpStatus == status)
        #expect(m.phase == .lingering && m.deadline == 2007)
        // The client's bytes are drained, not answered, up to the drain limit.
        #expect(m.received([UInt8](repeating: 0x41, count: 100), now: 8).isEmpty)
        #expect(m.received([0x41], now: 9) == [.close])
    }

    @Test func thePeerClosingCloses() {
        var m = Self.machine()
        #expect(m.received(Array("GET".utf8), now: 0).isEmpty)
        #expect(m.peerClosed() == [.close])
        #expect(m.phase == .closed && !m.isReading)
    }

    @Test(arguments: [(0, 1, false), (1, 2, false), (2, 2, true), (9, 2, true)])
    func theConnectionCapRefusesWith503(open: Int, limit: Int, refused: Bool) {
        let refusal = ConnectionMachine.admit(open: open, limit: limit)
        #expect((refusal != nil) == refused)
        if let refusal {
            #expect(refusal == [.sendError(.tooManyConnections), .close])
            #expect(APIError.tooManyConnections.httpStatus == 503)
        }
    }

    /// The same bytes in pieces of 1, 7 and 4096 give the same actions, in the same order (a body
    /// that arrives with its head needs no `100 Continue`, so none is asked for here).
    @Test(arguments: [1, 7, 4096])
    func actionsDoNotDependOnHowTheBytesArrive(chunk: Int) {
        let text =
            Self.get + "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc" + "BAD\r\n\r\n"
        func run(_ chunk: Int) -> [Action] {
            var m = Self.machine()
            let bytes = Array(text.utf8)
            var out: [Action] = []
            var i = 0
            var now: Int64 = 0
            while i < bytes.count {
                if m.phase == .busy {
                    now += 1
                    out += m.responded(close: false, now: now)
                    continue
                }
                out += m.received(Array(bytes[i..<min(bytes.count, i + chunk)]), now: now)
                i += chunk
            }
            while m.phase == .busy { out += m.responded(close: false, now: now) }
            return out
        }
        let whole = run(1 << 20)
        #expect(whole.count == 4 && whole.last == .shutdownWrite)
        #expect(run(chunk) == whole)
    }
}
