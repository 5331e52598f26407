import Foundation
import KeytrailPOSIX
import TestSupport
import Testing

/// The server's event loops share out their time: one thread (`--workers 1`) answering a burst of
/// pipelined requests on one connection still answers another connection between them, and a
/// client that never reads its answers holds up no other connection.
@Suite("keytrail serve: event loops")
struct ServeLoopTests {
    static func request(_ key: String) -> String {
        "GET /?Action=GetAccessKeyLastUsedProducts&Version=2020-07-06&AccessKey=\(key) HTTP/1.1\r\nHost: x\r\n\r\n"
    }

    @Test func aBurstOnOneConnectionWaitsBehindTheOthers() throws {
        let (dir, db, _) = try ServeTests.setUp()
        _ = dir
        let server = try ServeProcess(["--db", db, "--no-auth", "--as-of", "latest", "--workers", "1"])
        let burst = try RawClient(port: server.port)
        let other = try RawClient(port: server.port)
        // Both accepted (by the one loop) before the burst; the burst's answers (a key the index
        // does not hold: small answers, all of one size) are counted by their bytes.
        let burstKey = "LTAI_BURST"
        burst.send(Self.request("LTAI_SIZES"))  // a key of the same length: an answer of the same size
        #expect(burst.response()?.status == 200)
        let size = burst.lastResponseBytes
        other.send(Self.request("LTAI_WARM"))
        #expect(other.response()?.status == 200)
        // The burst: its requests in one write, its answers read on another thread (so it is
        // never parked at a slow-write thread, and competes the whole time).
        let n = 20000
        let reader = KeytrailPOSIX.Thread {
            var bytes = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while bytes < n * size {
                let got = chunk.withUnsafeMutableBytes { recv(burst.fd, $0.baseAddress, $0.count, 0) }
                guard got > 0 else { break }
                bytes += got
            }
            #expect(bytes == n * size)
        }
        let writer = KeytrailPOSIX.Thread {
            burst.send(Array(String(repeating: Self.request(burstKey), count: n).utf8))
        }
        #expect(server.waitForStderr(containing: " \(burstKey) "), "\(server.stderrText)")
        // One request at a time on the other connection, each sent once the one before is answered.
        let rounds = 20
        for i in 0..<rounds {
            other.send(Self.request("LTAI_OTHER\(i)"))
            #expect(other.response()?.status == 200)
        }
        writer.join()
        reader.join()
        #expect(server.stop() == 0)
        // Between two answers on the other connection, the burst got few answers (without the
        // turns, the whole burst, or a read's worth of it, went first).
        let lines = server.stderrText.split(separator: "\n")
        var between: [Int] = []
        var count = 0
        var started = false
        for line in lines where line.contains(" GetAccessKeyLastUsedProducts 200 ") {
            if line.contains(" \(burstKey) ") {
                count += 1
            } else if line.contains(" LTAI_OTHER") {
                if started { between.append(count) }
                started = true
                count = 0
            }
        }
        #expect(between.count == rounds - 1, "\(server.stderrText.suffix(2000))")
        let median = between.sorted()[between.count / 2]
        #expect(
            median <= 20,
            "burst answers between the other connection's answers: \(between)")
    }

    @Test func aClientThatDoesNotReadHoldsUpNoOtherConnection() throws {
        let (dir, db, _) = try ServeTests.setUp()
        _ = dir
        let server = try ServeProcess(
            ["--db", db, "--no-auth", "--as-of", "latest", "--workers", "1"], environment: ["KEYTRAIL_TRACE": "1"])
        let stuck = try RawClient(port: server.port)
        let other = try RawClient(port: server.port)
        for c in [stuck, other] {
            c.send(Self.request("LTAI_WARM"))
            #expect(c.response()?.status == 200)
        }
        // Requests for answers of some KB each, never read: the socket buffers fill and an answer
        // waits for room. (Sent on a thread: once the server stops reading, the send blocks.)
        let writer = KeytrailPOSIX.Thread {
            for _ in 0..<40 { stuck.send(Array(String(repeating: Self.request(ServeTests.key), count: 500).utf8)) }
        }
        // Once an answer waits for room, a slow-write thread has it (the trace says so); the loop
        // answers the other connection meanwhile.
        let peer = "127.0.0.1:\(stuck.localPort)"
        #expect(
            server.waitForStderr(containing: "trace: serve: \(peer) takes its answer slowly"),
            "\(server.stderrText.suffix(500))")
        var answered = 0
        for i in 0..<50 {
            other.send(Self.request("LTAI_OTHER\(i)"))
            guard other.response()?.status == 200 else { break }
            answered += 1
        }
        #expect(answered == 50)
        // Closing the stuck client ends its pending write; the server stops cleanly.
        shutdown(stuck.fd, Int32(SHUT_RDWR))
        writer.join()
        #expect(server.stop() == 0)
    }

    /// A kept answer goes out in parts (through its RequestId, then the kept bytes as they are):
    /// when the client reads slowly, the slow-write thread sends the rest of each part, whole.
    @Test func keptAnswersReadSlowlyArriveWhole() throws {
        let (dir, db, _) = try ServeTests.setUp()
        _ = dir
        let server = try ServeProcess(
            ["--db", db, "--no-auth", "--as-of", "latest", "--workers", "1"], environment: ["KEYTRAIL_TRACE": "1"])
        let c = try RawClient(port: server.port)
        // A receive buffer that does not grow (the kernel's may reach 32 MiB), not so small that
        // every segment waits for a delayed ACK.
        var room: Int32 = 256 << 10
        setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &room, socklen_t(MemoryLayout<Int32>.size))
        c.send(Self.request(ServeTests.key))
        let first = try #require(c.response())
        #expect(first.status == 200 && first.body.contains("\"Products\""))
        // Many kept answers at once (17 KB each: four times what the socket buffers hold), read
        // only once one of them waits for room.
        let count = 1000
        let writer = KeytrailPOSIX.Thread {
            c.send(Array(String(repeating: Self.request(ServeTests.key), count: count).utf8))
        }
        let peer = "127.0.0.1:\(c.localPort)"
        #expect(
            server.waitForStderr(containing: "trace: serve: \(peer) takes its answer slowly"),
            "\(server.stderrText.suffix(500))")
        // The answers back to back on the wire: each head, then Content-Length bytes of body.
        var wire: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var ids: Set<String> = []
        var at = 0
        while ids.count < count {
            if let end = wire[at...].firstRange(of: Array("\r\n\r\n".utf8))?.upperBound,
                let head = Optional(String(decoding: wire[at..<end], as: UTF8.self)),
                let length = head.split(separator: "\r\n").first(where: { $0.hasPrefix("Content-Length: ") })
                    .flatMap({ Int($0.dropFirst(16)) }),
                wire.count >= end + length
            {
                let body = String(decoding: wire[end..<end + length], as: UTF8.self)
                #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(ServeTests.withoutRequestId(body) == ServeTests.withoutRequestId(first.body))
                let id = head.split(separator: "\r\n").first { $0.hasPrefix("x-acs-request-id: ") }?.dropFirst(18)
                #expect(body.contains("\"RequestId\": \"\(id ?? "?")\""))
                ids.insert(String(id ?? "?"))
                at = end + length
                continue
            }
            let n = chunk.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            wire += chunk[0..<n]
        }
        writer.join()
        #expect(ids.count == count)
        #expect(server.stop() == 0)
        #expect(server.stderrText.contains("answer cache: \(count) sent again"), "\(server.stderrText.suffix(300))")
    }
}
