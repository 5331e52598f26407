@preconcurrency import Glibc
import KeytrailPOSIX
import KeytrailScan
import TestSupport
import Testing

@testable import KeytrailQuery
@testable import KeytrailServe

/// The server's answer path writes bytes without `String`s between the encoder and the socket;
/// every byte must equal what the `JSONOutput` encoding (the command line's, before) wrote.
@Suite("Response bytes")
struct ResponseBytesTests {
    /// The Products body as `JSONOutput` lays it out: the reference the fast writer must equal.
    static func reference(_ a: ProductsAnswer, requestId: String, pretty: Bool, includeAccessKeyId: Bool) -> [UInt8] {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        if includeAccessKeyId { o.string("AccessKeyId", a.accessKey) }
        o.string("RequestId", requestId)
        o.beginArray("Products")
        for p in a.products {
            o.beginObject()
            o.int("UsedTimestamp", p.usedTimestamp)
            p.detail.withUnsafeBytes { o.string("Detail", bytes: $0) }
            o.string("Source", p.source.rawValue)
            o.string("ServiceName", p.serviceName)
            o.string("ServiceNameCn", p.serviceNameCn)
            o.string("ServiceNameEn", p.serviceNameEn)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.bytes
    }

    /// Text with every class the escaper tells apart, in runs shorter and longer than a word.
    static func text(_ rng: inout SeededRandom, maxLength: Int) -> [UInt8] {
        let pieces: [[UInt8]] = [
            Array("\"".utf8), Array("\\".utf8), [0x0A], [0x0D], [0x09], [0x08], [0x0C], [0x00], [0x1F], [0x01],
            [0x7F], [0x20], Array("é".utf8), Array("中文".utf8), Array("😀".utf8), Array("{\"eventId\":".utf8),
            Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8), Array("a".utf8),
        ]
        var out: [UInt8] = []
        let length = Int.random(in: 0...maxLength, using: &rng)
        while out.count < length { out += pieces[Int.random(in: 0..<pieces.count, using: &rng)] }
        return out
    }

    @Test func productsBodyEqualsJSONOutputs() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SeededRandom(seed: seed)
        for round in 0..<400 {
            let products = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                Product(
                    usedTimestamp: Int64.random(in: -2_000_000_000_000...2_000_000_000_000, using: &rng),
                    detail: Self.text(&rng, maxLength: round % 10 == 0 ? 3000 : 60),
                    source: EventSource.allCases.randomElement(using: &rng)!,
                    serviceName: String(decoding: Self.text(&rng, maxLength: 12), as: UTF8.self),
                    serviceNameCn: String(decoding: Self.text(&rng, maxLength: 12), as: UTF8.self),
                    serviceNameEn: String(decoding: Self.text(&rng, maxLength: 12), as: UTF8.self))
            }
            let a = ProductsAnswer(
                accessKey: String(decoding: Self.text(&rng, maxLength: 30), as: UTF8.self),
                window: Window(asOf: 1_700_000_000_000, days: 400), products: products, notes: [])
            let id = String(decoding: Self.text(&rng, maxLength: 40), as: UTF8.self)
            for pretty in [true, false] {
                for withKey in [true, false] {
                    let slow = Self.reference(a, requestId: id, pretty: pretty, includeAccessKeyId: withKey)
                    // Written in one pass into its bound, and counted first (a body over the limit).
                    for limit in [Int.max, 0] {
                        let fast = a.jsonBytes(
                            requestId: id, pretty: pretty, includeAccessKeyId: withKey, boundedUpTo: limit)
                        #expect(
                            fast == slow,
                            "seed \(seed), round \(round), pretty \(pretty), AccessKeyId \(withKey), limit \(limit)")
                        if fast != slow { return }
                    }
                }
            }
        }
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_792_651_951_182, Int64.max])
    func integersAsJSONOutputWritesThem(_ value: Int64) {
        let a = ProductsAnswer(
            accessKey: "K", window: Window(asOf: 0, days: 1),
            products: [
                Product(
                    usedTimestamp: value, detail: [], source: .management, serviceName: "ecs", serviceNameCn: "",
                    serviceNameEn: "")
            ], notes: [])
        #expect(
            a.jsonBytes(requestId: "R", pretty: false)
                == Self.reference(a, requestId: "R", pretty: false, includeAccessKeyId: false))
    }

    /// A body of nothing but bytes that escape to six (`\u0001`) fills its bound and no more.
    @Test(arguments: [Int.max, 0])
    func theWorstEscapingFitsTheBound(_ limit: Int) {
        let detail = [UInt8](repeating: 0x01, count: 5_000)
        let a = ProductsAnswer(
            accessKey: "K", window: Window(asOf: 0, days: 1),
            products: [
                Product(
                    usedTimestamp: 1, detail: detail, source: .management, serviceName: "\u{1}", serviceNameCn: "",
                    serviceNameEn: "")
            ], notes: [])
        let body = a.jsonBytes(requestId: "\u{1F}", pretty: true, boundedUpTo: limit)
        #expect(body == Self.reference(a, requestId: "\u{1F}", pretty: true, includeAccessKeyId: false))
        #expect(body.count > 6 * detail.count)
    }

    @Test func escapeMasksMarkExactlyTheBytesThatNeedOne() {
        for special: UInt8 in [0x22, 0x5C, 0x00, 0x01, 0x1F, 0x0A] {
            for at in 0..<8 {
                var bytes = [UInt8](repeating: 0x41, count: 8)
                bytes[at] = special
                // Bytes around it that a borrow could mark (0x41, 0x21, 0x23, 0x5D, 0x20, 0xFF) stay clear.
                for k in 0..<8 where k != at { bytes[k] = [0x41, 0x21, 0x23, 0x5D, 0x20, 0xFF][k % 6] }
                let w = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(
                    ByteMask.quoteOrBackslash(w) | ByteMask.control(w) == UInt64(0x80) << (8 * at),
                    "\(special) at \(at)")
            }
        }
        for marked in 0...8 {
            var mask: UInt64 = 0
            for k in 0..<marked { mask |= UInt64(0x80) << (8 * UInt64(k)) }
            #expect(ByteMask.count(mask) == marked)
        }
        let plain = Array("abcdefgh".utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(ByteMask.quoteOrBackslash(plain) | ByteMask.control(plain) == 0)
        let high = [UInt8](repeating: 0xE4, count: 8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(ByteMask.quoteOrBackslash(high) | ByteMask.control(high) == 0)
    }

    @Test(arguments: [(200, false), (404, true), (409, false), (599, true)])
    func headIsTheStatusLineAndHeaders(_ status: Int, _ close: Bool) {
        let r = HTTPResponse(status: status, body: "{\"é\": 1}", requestId: "ID-1", close: close)
        let expected =
            "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\nContent-Type: application/json;charset=utf-8\r\n"
            + "Content-Length: 9\r\nx-acs-request-id: ID-1\r\nConnection: \(close ? "close" : "keep-alive")\r\n\r\n"
        #expect(r.head() == Array(expected.utf8))
        #expect(r.serialized() == Array(expected.utf8) + Array("{\"é\": 1}".utf8))
    }

    /// Head and body gathered, through a socket buffer far smaller than them: every byte arrives, in order.
    @Test func sendAllGathersHeadAndBody() throws {
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { for f in fds { close(f) } }
        var small: Int32 = 4096
        setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        Socket.setNonBlocking(fds[0])
        let head = Array("HEAD\r\n\r\n".utf8)
        let body = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let reader = fds[1]
        let received = Lock([UInt8]())
        let t = KeytrailPOSIX.Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(reader, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                received.withLock { $0 += buffer[0..<n] }
            }
        }
        #expect(Socket.sendAll(fds[0], head, body, deadline: Clock.monotonicMillis() + 10_000))
        shutdown(fds[0], Int32(SHUT_WR))
        t.join()
        #expect(received.withLock { $0 } == head + body)
        #expect(Socket.sendAll(fds[0], [], [], deadline: 0))
    }
}
