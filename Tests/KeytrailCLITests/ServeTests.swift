import Foundation
import KeytrailServe
import TestSupport
import Testing

/// A running `keytrail serve` (the real binary), stopped with SIGTERM on `stop`. Its stderr is read
/// on a thread as it arrives; tests wait for the line they expect, never for a fixed time.
final class ServeProcess: @unchecked Sendable {
    /// How long a wait may last: it only bounds a hang, a passing run never comes near it.
    static let patience: TimeInterval = 60

    let process = Process()
    private(set) var port = 0
    let errPipe = Pipe()
    private let changed = NSCondition()
    nonisolated(unsafe) private var text = ""
    nonisolated(unsafe) private var ended = false
    /// What the server wrote on stderr so far (all of it once `stop` returned).
    var stderrText: String { changed.withLock { text } }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Binary.path("keytrail"))
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let handle = errPipe.fileHandleForReading
        // Keep draining stderr so the server never blocks on it; each piece wakes the waiters.
        DispatchQueue.global().async { [self] in
            while true {
                let d = handle.availableData
                changed.withLock {
                    if d.isEmpty { ended = true } else { text += String(decoding: d, as: UTF8.self) }
                    changed.broadcast()
                }
                if d.isEmpty { break }
            }
        }
        _ = waitForStderr(containing: "\n")
        let first = stderrText.split(separator: "\n", omittingEmptySubsequences: false)[0]
        guard first.hasPrefix("listening on http://127.0.0.1:"), let p = Int(first.split(separator: ":").last ?? "")
        else {
            process.terminate()
            throw ServeTestError("no listening line: \(stderrText)")
        }
        port = p
    }

    /// Waits until stderr holds `needle` (true), or it ends or the patience runs out without it (false).
    func waitForStderr(containing needle: String) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Self.patience)
        changed.lock()
        defer { changed.unlock() }
        while !text.contains(needle) {
            if ended || !changed.wait(until: deadline) { return text.contains(needle) }
        }
        return true
    }

    /// SIGTERM, then the exit status, once everything it wrote on stderr was read (the pipe's end).
    func stop() -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let deadline = Date(timeIntervalSinceNow: Self.patience)
        changed.withLock {
            while !ended && changed.wait(until: deadline) {}
            if !ended { Issue.record("stderr did not end within \(Self.patience) s of the exit") }
        }
        return process.terminationStatus
    }
}

struct ServeTestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A raw HTTP/1.1 client over a POSIX socket (tests must send what no HTTP library would).
final class RawClient: @unchecked Sendable {
    let fd: Int32
    /// The bytes of the last response `response` read, head and body.
    private(set) var lastResponseBytes = 0

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else { throw ServeTestError("connect failed") }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The client's own port (the server's access log names the peer by it).
    var localPort: Int {
        var a = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: a.sin_port))
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// One response: status, headers (lower-case names), body; nil when the connection closed first.
    func response() -> (status: Int, headers: [String: String], body: String)? {
        var buf: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            buf += chunk[0..<n]
            return true
        }
        var headEnd: Int?
        while headEnd == nil {
            if let r = buf.firstRange(of: Array("\r\n\r\n".utf8)) { headEnd = r.upperBound; break }
            guard fill() else { return nil }
        }
        let head = String(decoding: buf[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let status = Int(lines.removeFirst().split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for l in lines where l.contains(":") {
            let i = l.firstIndex(of: ":")!
            headers[l[..<i].lowercased()] = l[l.index(after: i)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buf.count < headEnd! + length { guard fill() else { return nil } }
        lastResponseBytes = headEnd! + length
        return (status, headers, String(decoding: buf[headEnd!..<(headEnd! + length)], as: UTF8.self))
    }

    /// Whether an answer (or the end) can be read, waiting at most `waitingMillis` for one.
    func hasInput(waitingMillis: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, waitingMillis) > 0
    }

    /// Whether the server closed the connection (EOF) within the receive timeout.
    func closedByServer() -> Bool {
        var b: UInt8 = 0
        return recv(fd, &b, 1, 0) == 0
    }
}

/// `keytrail serve` end to end: the real binary, a signed request, abuse, shutdown.
@Suite("keytrail serve")
struct ServeTests {
    static let key = "LTAI5tv6QCVFimUPfpBMBSH6"

    static func setUp() throws -> (TemporaryDirectory, db: String, creds: String) {
        let dir = TemporaryDirectory()
        let db = dir.file("k.sqlite")
        let ingest = try Binary.run("keytrail", ["ingest", "--db", db, SampleLogs.path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let creds = try dir.write("creds", "# test callers\nLTAI_CALLER_ID caller-secret\n")
        chmod(creds, 0o600)
        return (dir, db, creds)
    }

    static func isoNow() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }

    static func signedRequest(accessKey: String, nonce: String = UUID().uuidString, port: Int) -> String {
        let query = ["AccessKey": accessKey]
        let headers = SignatureV3.sign(
            method: "POST", query: query,
            headers: [
                HTTPHeader(name: "host", value: "127.0.0.1:\(port)"),
                HTTPHeader(name: "x-acs-action", value: "GetAccessKeyLastUsedProducts"),
                HTTPHeader(name: "x-acs-version", value: "2020-07-06"),
                HTTPHeader(name: "x-acs-date", value: isoNow()),
                HTTPHeader(name: "x-acs-signature-nonce", value: nonce),
            ], body: [], accessKeyId: "LTAI_CALLER_ID", secret: "caller-secret")
        var text = "POST /?AccessKey=\(PercentEncoding.encode(accessKey)) HTTP/1.1\r\n"
        for h in headers { text += "\(h.name): \(h.value)\r\n" }
        return text + "Content-Length: 0\r\n\r\n"
    }

    static func withoutRequestId(_ s: String) -> String {
        s.split(separator: "\n").filter { !$0.contains("\"RequestId\"") }.joined(separator: "\n")
    }

    @Test func signedAnswersEqualTheCommandLineAndAbuseIsSurvived() throws {
        let (dir, db, creds) = try Self.setUp()
        _ = dir
        let server = try ServeProcess(["--db", db, "--credentials", creds, "--as-of", "latest", "--head-timeout", "1"])
        let cli = try Binary.run("keytrail", ["products", Self.key, "--db", db, "--as-of", "latest"])
        #expect(cli.status == 0)

        let c = try RawClient(port: server.port)
        c.send(Self.signedRequest(accessKey: Self.key, port: server.port))
        let r = try #require(c.response())
        #expect(r.status == 200)
        #expect(Self.withoutRequestId(r.body) == Self.withoutRequestId(cli.stdout))
        #expect(r.body.contains("\"RequestId\": \"\(r.headers["x-acs-request-id"] ?? "?")\""))
        #expect(r.headers["content-type"] == "application/json;charset=utf-8")
        // Keep-alive: a second request on the same connection; the same nonce again is a replay.
        let nonce = UUID().uuidString
        c.send(Self.signedRequest(accessKey: Self.key, nonce: nonce, port: server.port))
        #expect(c.response()?.status == 200)
        c.send(Self.signedRequest(accessKey: Self.key, nonce: nonce, port: server.port))
        let replay = try #require(c.response())
        #expect(replay.status == 400 && replay.body.contains("SignatureNonceUsed"))
        // Unsigned: IncompleteSignature; a bad key: InvalidQueryParameter.
        c.send("GET /?Action=GetAccessKeyLastUsedProducts&Version=2020-07-06&AccessKey=K HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(c.response()?.body.contains("IncompleteSignature") == true)
        c.send(Self.signedRequest(accessKey: "bad key", port: server.port))
        #expect(c.response()?.body.contains("InvalidQueryParameter") == true)

        // Oversized head, oversized body, malformed HTTP, chunked: the error, then the close.
        let big = try RawClient(port: server.port)
        big.send("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 40 * 1024) + "\r\n\r\n")
        #expect(big.response()?.status == 431)
        let body = try RawClient(port: server.port)
        body.send("POST / HTTP/1.1\r\nContent-Length: 70000\r\n\r\n" + String(repeating: "b", count: 70000))
        #expect(body.response()?.status == 413)
        let junk = try RawClient(port: server.port)
        junk.send("\u{01}\u{02} nonsense\r\n\r\n")
        let bad = try #require(junk.response())
        #expect(bad.status == 400 && bad.body.contains("\"Code\""))
        #expect(junk.closedByServer())
        let chunked = try RawClient(port: server.port)
        chunked.send("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(chunked.response()?.status == 411)

        // Slowloris: a byte at a time, each after waiting up to 200 ms for an answer, is cut off at
        // the 1 s head deadline with 408 (the answer itself ends the sending, not a clock).
        let slow = try RawClient(port: server.port)
        for b in "GET / HTTP/1.1\r\nX-Slow: 1234567890".utf8 {
            slow.send([b])
            if slow.hasInput(waitingMillis: 200) { break }
        }
        let timeout = slow.response()
        #expect(timeout?.status == 408)

        // Still answering.
        let after = try RawClient(port: server.port)
        after.send(Self.signedRequest(accessKey: Self.key, port: server.port))
        #expect(after.response()?.status == 200)
        #expect(server.stop() == 0)
    }

    @Test func refusesToStartWithoutSafeAuthentication() throws {
        let (dir, db, creds) = try Self.setUp()
        let none = try Binary.run("keytrail", ["serve", "--db", db, "--listen", "127.0.0.1:0"])
        #expect(none.status == 2 && none.stderr.contains("--credentials"))
        let open = try Binary.run("keytrail", ["serve", "--db", db, "--no-auth", "--listen", "0.0.0.0:0"])
        #expect(open.status == 2 && open.stderr.contains("loopback"))
        chmod(creds, 0o640)
        let readable = try Binary.run(
            "keytrail", ["serve", "--db", db, "--credentials", creds, "--listen", "127.0.0.1:0"])
        #expect(readable.status == 2 && readable.stderr.contains("chmod 600"))
        let noIndex = try Binary.run(
            "keytrail", ["serve", "--db", dir.file("none.sqlite"), "--no-auth", "--listen", "127.0.0.1:0"])
        #expect(noIndex.status == 2 && noIndex.stderr.contains("keytrail ingest"))
    }

    @Test func accessLogNamesCallerActionStatusAndNoSecret() throws {
        let (dir, db, creds) = try Self.setUp()
        _ = dir
        let server = try ServeProcess(["--db", db, "--credentials", creds, "--as-of", "latest"])
        let c = try RawClient(port: server.port)
        c.send(Self.signedRequest(accessKey: Self.key, port: server.port))
        let r = try #require(c.response())
        #expect(r.status == 200)
        // The worker logs after the answer is sent: wait for the line, not for a time.
        let line = " LTAI_CALLER_ID GetAccessKeyLastUsedProducts 200 - "
        #expect(server.waitForStderr(containing: line), "\(server.stderrText)")
        // The key asked about and the answer's RequestId end the line.
        let requestId = try #require(r.headers["x-acs-request-id"])
        #expect(server.waitForStderr(containing: "ms \(Self.key) \(requestId)\n"), "\(server.stderrText)")
        // A refused request names the key too; the health check needs no signature and names none.
        c.send(Self.signedRequest(accessKey: "LTAI_REFUSED", nonce: "n", port: server.port))
        #expect(c.response()?.status == 200)
        c.send(Self.signedRequest(accessKey: "LTAI_REFUSED", nonce: "n", port: server.port))
        let replay = try #require(c.response())
        #expect(replay.status == 400)
        let refused = " 400 SignatureNonceUsed "
        #expect(server.waitForStderr(containing: refused), "\(server.stderrText)")
        #expect(
            server.stderrText.contains("ms LTAI_REFUSED \(replay.headers["x-acs-request-id"] ?? "?")\n"),
            "\(server.stderrText)")
        c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let health = try #require(c.response())
        #expect(health.status == 200 && health.body == "ok\n")
        #expect(health.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(server.waitForStderr(containing: " - /healthz 200 - "), "\(server.stderrText)")
        #expect(server.stop() == 0)
        let log = server.stderrText
        #expect(log.contains(line), "\(log)")
        #expect(!log.contains("caller-secret") && !log.contains("Signature="))
    }

    /// An index of one event from 2020 (an old archive, as real ones are).
    static func oldIndex(_ dir: TemporaryDirectory) throws -> String {
        let event =
            #"{"eventId":"E1","eventVersion":1,"eventSource":"ecs.aliyuncs.com","sourceIpAddress":"192.0.2.1","#
            + #""userIdentity":{"type":"ram-user","accountId":"1","accessKeyId":"LTAI_OLD_KEY","userName":"u"},"#
            + #""serviceName":"Ecs","eventTime":"2020-03-04T05:06:07.089Z","eventName":"DescribeInstances"}"#
        let db = dir.file("old.sqlite")
        let ingest = try Binary.run("keytrail", ["ingest", "--db", db, try dir.write("old.json", event + "\n")])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return db
    }

    @Test func answersAreSentAgainUntilAnIngestCommits() throws {
        let dir = TemporaryDirectory()
        let db = try Self.oldIndex(dir)
        let server = try ServeProcess(
            ["--db", db, "--no-auth", "--quiet", "--as-of", "latest"], environment: ["KEYTRAIL_TRACE": "1"])
        let c = try RawClient(port: server.port)
        let get =
            "GET /?Action=GetAccessKeyLastUsedProducts&Version=2020-07-06&AccessKey=LTAI_OLD_KEY HTTP/1.1\r\nHost: x\r\n\r\n"
        c.send(get)
        let first = try #require(c.response())
        c.send(get)
        let second = try #require(c.response())
        #expect(first.status == 200 && second.status == 200)
        #expect(Self.withoutRequestId(first.body) == Self.withoutRequestId(second.body))
        #expect(second.body.contains("\"RequestId\": \"\(second.headers["x-acs-request-id"] ?? "?")\""))
        #expect(first.headers["x-acs-request-id"] != second.headers["x-acs-request-id"])
        // A later event of the key, ingested beside the server: the next answer has it.
        let event =
            #"{"eventId":"E2","eventVersion":1,"eventSource":"oss.aliyuncs.com","sourceIpAddress":"192.0.2.1","#
            + #""userIdentity":{"type":"ram-user","accountId":"1","accessKeyId":"LTAI_OLD_KEY","userName":"u"},"#
            + #""serviceName":"Oss","eventTime":"2020-03-05T05:06:07.089Z","eventName":"GetObject"}"#
        let ingest = try Binary.run("keytrail", ["ingest", "--db", db, try dir.write("later.json", event + "\n")])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        c.send(get)
        let third = try #require(c.response())
        let cli = try Binary.run("keytrail", ["products", "LTAI_OLD_KEY", "--db", db, "--as-of", "latest"])
        #expect(third.body.contains("\"ServiceName\": \"Oss\""))
        #expect(Self.withoutRequestId(third.body) == Self.withoutRequestId(cli.stdout))
        #expect(server.stop() == 0)
        #expect(
            server.stderrText.contains("trace: serve: answer cache: 1 sent again, 2 computed"), "\(server.stderrText)")
    }

    /// The lines `serve` prints at startup, once the last one has arrived.
    static func startupLines(_ server: ServeProcess, last: String) -> [String] {
        #expect(server.waitForStderr(containing: last), "\(server.stderrText)")
        return server.stderrText.split(separator: "\n").map(String.init)
    }

    @Test func startupNamesTheIndexItsNewestEventTheAsOfAndTheAuth() throws {
        let (dir, _, creds) = try Self.setUp()
        let db = try Self.oldIndex(dir)
        // The default as-of (now) on an old archive: every answer would be empty; the note says so.
        let server = try ServeProcess(["--db", db, "--credentials", creds])
        let lines = Self.startupLines(server, last: "start with --as-of latest\n")
        #expect(server.stop() == 0)
        #expect(lines.count == 6, "\(lines)")
        guard lines.count == 6 else { return }
        #expect(lines[0] == "listening on http://127.0.0.1:\(server.port)")
        #expect(lines[1] == "index: \(db), newest event 2020-03-04T05:06:07.089Z")
        #expect(lines[2] == "default as-of: now, the clock at each request; window 400 days")
        #expect(lines[3] == "answers kept: up to 512 MiB, each until the index commits (--answer-cache)")
        #expect(lines[4] == "auth: signed requests (ACS3-HMAC-SHA256 or HMAC-SHA1) from the 1 caller in \(creds)")
        #expect(lines[5].hasPrefix("keytrail: note: the newest event (2020-03-04T05:06:07.089Z) is before the 400-day"))

        // `latest`, a window, `--no-auth` and `--quiet`: the lines are still printed, the log is not.
        let quiet = try ServeProcess([
            "--db", db, "--no-auth", "--as-of", "latest", "--window-days", "30", "--quiet", "--answer-cache", "64",
        ])
        let q = Self.startupLines(quiet, last: "auth: ")
        let health = try RawClient(port: quiet.port)
        health.send("GET /healthz?probe=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(health.response()?.body == "ok\n")
        #expect(quiet.stop() == 0)
        #expect(
            q == [
                "listening on http://127.0.0.1:\(quiet.port)",
                "index: \(db), newest event 2020-03-04T05:06:07.089Z",
                "default as-of: latest, now 2020-03-04T05:06:07.089Z (follows ingests); window 30 days",
                "answers kept: up to 64 MiB, each until the index commits (--answer-cache)",
                "auth: none (--no-auth): every local request is answered, unsigned",
            ])
        #expect(quiet.stderrText == q.joined(separator: "\n") + "\n", "no access log with --quiet")

        // A fixed as-of before the newest event: the keys used since will be refused.
        let early = try ServeProcess(["--db", db, "--no-auth", "--as-of", "2020-01-01T00:00:00Z"])
        let e = Self.startupLines(early, last: "--as-of latest answers them\n")
        #expect(early.stop() == 0)
        #expect(e.count == 6 && e[2] == "default as-of: 2020-01-01T00:00:00.000Z (--as-of); window 400 days")
        #expect(e.last?.contains("409 AsOfBeforeIndexedEvents") == true)
    }
}
