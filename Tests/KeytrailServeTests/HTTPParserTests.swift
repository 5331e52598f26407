import KeytrailServe
import Testing

@Suite("HTTP request parser")
struct HTTPParserTests {
    static let twoRequests = Array(
        ("POST /?a=1 HTTP/1.1\r\nHost: x\r\nX-Acs-Date:  2026-01-01T00:00:00Z \r\nContent-Length: 5\r\n\r\nhello"
            + "GET /b HTTP/1.1\r\nhost: y\r\n\r\n").utf8)

    /// Feeds `bytes` in pieces of `chunk` (or split once at `split`), collecting requests.
    static func parse(_ bytes: [UInt8], split: Int? = nil, chunk: Int? = nil) throws(HTTPParseError) -> [HTTPRequest] {
        var p = HTTPRequestParser()
        var out: [HTTPRequest] = []
        var pieces: [ArraySlice<UInt8>] = []
        if let split {
            pieces = [bytes[..<split], bytes[split...]]
        } else {
            let c = chunk ?? bytes.count
            var i = 0
            while i < bytes.count {
                pieces.append(bytes[i..<min(bytes.count, i + c)])
                i += c
            }
        }
        for piece in pieces {
            p.append(Array(piece))
            while let r = try p.next() { out.append(r) }
        }
        return out
    }

    @Test func parsesPipelinedRequests() throws {
        let r = try Self.parse(Self.twoRequests)
        #expect(r.count == 2)
        #expect(r[0].method == "POST" && r[0].path == "/" && r[0].query == "a=1")
        #expect(r[0].header("x-acs-date") == "2026-01-01T00:00:00Z")
        #expect(r[0].header("host") == "x")
        #expect(r[0].body == Array("hello".utf8))
        #expect(r[1].method == "GET" && r[1].path == "/b" && r[1].query == "" && r[1].body.isEmpty)
        #expect(r[0].keepAlive && r[1].keepAlive)
    }

    @Test func splitDeliveryAtEveryByteGivesTheSameRequests() throws {
        let whole = try Self.parse(Self.twoRequests)
        for split in 0...Self.twoRequests.count {
            #expect(try Self.parse(Self.twoRequests, split: split) == whole, "split at \(split)")
        }
        for chunk in [1, 2, 3, 7, 4096] {
            #expect(try Self.parse(Self.twoRequests, chunk: chunk) == whole, "chunks of \(chunk)")
        }
    }

    @Test func bareLineFeedsAndLeadingBlankLines() throws {
        let r = try Self.parse(Array("\r\n\nGET /?x HTTP/1.0\nConnection: keep-alive\n\n".utf8))
        #expect(r.count == 1 && r[0].minorVersion == 0 && r[0].keepAlive)
        let c = try Self.parse(Array("GET / HTTP/1.1\r\nConnection: close\r\n\r\n".utf8))
        #expect(!c[0].keepAlive)
        let ten = try Self.parse(Array("GET / HTTP/1.0\r\n\r\n".utf8))
        #expect(!ten[0].keepAlive)
    }

    @Test func headLimitIs431EvenBeforeTheHeadEnds() {
        var p = HTTPRequestParser(maxHead: 1024)
        p.append(Array(("GET / HTTP/1.1\r\nx: " + String(repeating: "a", count: 1100)).utf8))
        #expect(throws: HTTPParseError.headTooLarge) { try p.next() }
        var q = HTTPRequestParser(maxHead: 1024)
        q.append(Array(("GET / HTTP/1.1\r\nx: " + String(repeating: "a", count: 1100) + "\r\n\r\n").utf8))
        #expect(throws: HTTPParseError.headTooLarge) { try q.next() }
        var ok = HTTPRequestParser(maxHead: 1024)
        ok.append(Array(("GET / HTTP/1.1\r\nx: " + String(repeating: "a", count: 900) + "\r\n\r\n").utf8))
        #expect((try? ok.next()) != nil)
    }

    @Test func bodyLimitIs413FromTheHeaderAlone() {
        var p = HTTPRequestParser(maxBody: 100)
        p.append(Array("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge) { try p.next() }
        var huge = HTTPRequestParser()
        huge.append(Array("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge) { try huge.next() }
    }

    @Test func chunkedIs411() {
        var p = HTTPRequestParser()
        p.append(Array("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.lengthRequired) { try p.next() }
    }

    @Test func expectContinueIsOfferedOnce() throws {
        var p = HTTPRequestParser()
        p.append(Array("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n".utf8))
        #expect(try p.next() == nil)
        #expect(p.wantsContinue && p.isReadingBody)
        p.continueSent()
        p.append(Array("abc".utf8))
        #expect(try p.next()?.body == Array("abc".utf8))
    }

    @Test(arguments: [
        "GET\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET http://x/ HTTP/1.1\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTP/1.1\r\nno colon\r\n\r\n",
        "GET / HTTP/1.1\r\nname : v\r\n\r\n",
        "GET / HTTP/1.1\r\nx: a\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nx: a\u{01}b\r\n\r\n",
        "GET / HTTP/1.1\r\nx: a\rb\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",
        "GET /a b HTTP/1.1\r\n\r\n",
    ])
    func malformedIs400(_ text: String) {
        #expect(throws: HTTPParseError.self) { try Self.parse(Array(text.utf8)) }
        do {
            _ = try Self.parse(Array(text.utf8))
        } catch {
            #expect(error.status == 400, "\(text.debugDescription): \(error)")
        }
    }

    @Test func randomBytesNeverCrash() {
        var g = SplitMixRNG(seed: 7)
        for _ in 0..<2000 {
            let n = Int(g.next() % 200)
            var bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            if g.next() % 2 == 0 { bytes = Array("GET / HTTP/1.1\r\n".utf8) + bytes + Array("\r\n\r\n".utf8) }
            _ = try? Self.parse(bytes, chunk: Int(g.next() % 9) + 1)
        }
    }
}

/// A small seeded generator (the seed is in the test).
struct SplitMixRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
