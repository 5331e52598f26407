import KeytrailServe
import KeytrailSynth
import TestSupport
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

    /// A head of `padding` bytes of one header over a 1 KiB limit: refused as soon as it is too
    /// long, whether or not its end has arrived.
    @Test(arguments: [(1100, false, true), (1100, true, true), (900, true, false)])
    func headLimitIs431EvenBeforeTheHeadEnds(padding: Int, ended: Bool, refused: Bool) {
        var p = HTTPRequestParser(maxHead: 1024)
        p.append(
            Array(("GET / HTTP/1.1\r\nx: " + String(repeating: "a", count: padding) + (ended ? "\r\n\r\n" : "")).utf8))
        if refused {
            #expect(throws: HTTPParseError.headTooLarge) { try p.next() }
        } else {
            #expect((try? p.next()) != nil)
        }
    }

    @Test(arguments: [(100, "101"), (64 * 1024, "99999999999999999999999")])
    func bodyLimitIs413FromTheHeaderAlone(maxBody: Int, length: String) {
        var p = HTTPRequestParser(maxBody: maxBody)
        p.append(Array("POST / HTTP/1.1\r\nContent-Length: \(length)\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.bodyTooLarge) { try p.next() }
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

    /// What a client behind `HTTP_PROXY` sends: the target in absolute form (RFC 9112 §3.2.2) is
    /// read as its origin form, its authority replacing any Host header (in the first one's place).
    @Test(arguments: [
        (
            "POST http://actiontrail.cn-hangzhou.aliyuncs.com/?AccessKey=K HTTP/1.1\r\nX: 1\r\nHost: stale\r\n"
                + "host: twice\r\nContent-Length: 0\r\n\r\n",
            "/", "AccessKey=K", "actiontrail.cn-hangzhou.aliyuncs.com", ["x", "host", "content-length"]
        ),
        ("GET HTTPS://h:8080?a=1&b HTTP/1.1\r\n\r\n", "/", "a=1&b", "h:8080", ["host"]),
        ("GET http://[::1]:7706 HTTP/1.0\r\nA: b\r\n\r\n", "/", "", "[::1]:7706", ["host", "a"]),
        ("GET http://h/x/y?q?r HTTP/1.1\r\n\r\n", "/x/y", "q?r", "h", ["host"]),
    ])
    func absoluteFormIsTheOriginFormWithItsAuthorityAsHost(
        text: String, path: String, query: String, authority: String, names: [String]
    ) throws {
        let r = try #require(try Self.parse(Array(text.utf8)).first)
        #expect(r.path == path && r.query == query && r.authority == authority)
        #expect(r.header("host") == authority && r.headerValues("host").count == 1)
        #expect(r.headers.map(\.name) == names)
        // Origin form has no authority and keeps its Host.
        let origin = try #require(try Self.parse(Array("GET /?a HTTP/1.1\r\nHost: h\r\n\r\n".utf8)).first)
        #expect(origin.authority == nil && origin.header("host") == "h")
    }

    @Test(arguments: [
        "GET\r\n\r\n",
        "GET / HTTP/1.1 extra\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET http:///x HTTP/1.1\r\n\r\n",
        "GET http://?a HTTP/1.1\r\n\r\n",
        "GET http://user@x/ HTTP/1.1\r\n\r\n",
        "GET ftp://x/ HTTP/1.1\r\n\r\n",
        "GET http:x/ HTTP/1.1\r\n\r\n",
        "GET x/ HTTP/1.1\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\n\r\n",
        "CONNECT x:443 HTTP/1.1\r\n\r\n",
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

    /// What feeding bytes came to: the requests, then either the error or the bytes still buffered.
    struct Outcome: Equatable, CustomStringConvertible {
        var requests: [HTTPRequest] = []
        var error: HTTPParseError?
        /// Bytes neither returned in a request nor refused (nil after an error).
        var buffered: Int?

        var description: String {
            "\(requests.count) request(s), error \(String(describing: error)), buffered \(buffered ?? -1)"
        }
    }

    /// Feeds `bytes` in pieces of `chunk`, asking for every request after each piece.
    static func feed(_ bytes: [UInt8], chunk: Int) -> Outcome {
        var p = HTTPRequestParser()
        var out = Outcome()
        var i = 0
        repeat {
            p.append(Array(bytes[min(bytes.count, i)..<min(bytes.count, i + chunk)]))
            i += chunk
            do throws(HTTPParseError) {
                while let r = try p.next() { out.requests.append(r) }
            } catch {
                out.error = error
                return out
            }
        } while i < bytes.count
        out.buffered = p.bufferedByteCount
        return out
    }

    /// `request` written back as bytes: one line per header, CRLF line ends.
    static func serialize(_ r: HTTPRequest) -> [UInt8] {
        let target = (r.authority.map { "http://" + $0 } ?? "") + r.path + (r.query.isEmpty ? "" : "?" + r.query)
        var text = "\(r.method) \(target) HTTP/1.\(r.minorVersion)\r\n"
        for h in r.headers { text += "\(h.name): \(h.value)\r\n" }
        return Array((text + "\r\n").utf8) + r.body
    }

    /// Bytes that are often almost a request: random raw bytes, a request line around random bytes,
    /// or pipelined requests built from valid and invalid pieces, sometimes cut short.
    static func randomInput(_ g: inout SeededRandom) -> [UInt8] {
        switch g.below(4) {
        case 0:
            return (0..<g.below(200)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        case 1:
            let middle = (0..<g.below(200)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            return Array("GET / HTTP/1.1\r\n".utf8) + middle + Array("\r\n\r\n".utf8)
        default:
            func pick(_ options: [String]) -> String { options[g.below(options.count)] }
            var out: [UInt8] = []
            for _ in 0..<(1 + g.below(3)) {
                let eol = pick(["\r\n", "\r\n", "\n"])
                if g.below(8) == 0 { out += Array(eol.utf8) }
                var head = pick(["GET", "POST", "GET", "POST", "G(T"]) + " "
                head +=
                    pick([
                        "/", "/?a=1&b", "/x?y?z", "/?", "/", "/a b", "http://x/", "HTTP://x:1?a", "http://", "ftp://x/",
                    ]) + " "
                head += pick(["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.1", "HTTP/2.0"]) + eol
                let body = (0..<g.below(12)).map { _ in UInt8(ascii: "a") + UInt8(g.below(26)) }
                for _ in 0..<g.below(3) {
                    let name = pick(["Host", "x-acs-date", "Connection", "Expect", "X", " folded", "bad name", "Host"])
                    let value = pick(["", " v ", "close", "keep-alive", "100-continue", "a\u{01}b", "\t tab\t", "é"])
                    head += name + ":" + value + eol
                }
                switch g.below(8) {
                case 0: head += "Content-Length: \(body.count + g.below(3))" + eol
                case 1: head += "Content-Length: \(body.count), \(body.count)" + eol
                case 2: head += "Transfer-Encoding: chunked" + eol
                case 3: head += "Content-Length: \(body.count)" + eol + "Content-Length: \(body.count)" + eol
                default: head += "Content-Length: \(body.count)" + eol
                }
                out += Array((head + eol).utf8) + body
            }
            return g.below(4) == 0 ? Array(out.prefix(g.below(out.count + 1))) : out
        }
    }

    /// Invariants on any input: a refusal has one of the documented statuses; the same bytes in
    /// pieces of 1, 7 and 4096 (and a random size) come to the same outcome; the bytes returned and
    /// still buffered never exceed the input; each request, written back, reads as itself.
    @Test func randomBytesKeepTheParserInvariants() {
        let baseSeed: UInt64 = 7
        var requests = 0
        var refusals = 0
        for i in 0..<2000 {
            let seed = baseSeed &+ UInt64(i)
            var g = SeededRandom(seed: seed)
            let bytes = Self.randomInput(&g)
            let whole = Self.feed(bytes, chunk: 4096)
            for chunk in [1, 7, 1 + g.below(64)] {
                let pieces = Self.feed(bytes, chunk: chunk)
                #expect(pieces == whole, "seed \(seed): chunks of \(chunk) give \(pieces), whole \(whole)")
            }
            if let error = whole.error {
                refusals += 1
                #expect(
                    [400, 411, 413, 431].contains(error.status), "seed \(seed): \(error) has status \(error.status)")
            } else {
                let bodies = whole.requests.reduce(0) { $0 + $1.body.count }
                #expect(bodies + (whole.buffered ?? 0) <= bytes.count, "seed \(seed): more bytes out than in")
            }
            for r in whole.requests {
                requests += 1
                let again = Self.feed(Self.serialize(r), chunk: 4096)
                #expect(again == Outcome(requests: [r], buffered: 0), "seed \(seed): \(r) reads back as \(again)")
            }
        }
        // The generator reaches both sides.
        #expect(requests > 200 && refusals > 200, "seed \(baseSeed): \(requests) requests, \(refusals) refusals")
    }
}
