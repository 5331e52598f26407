import KeytrailScan
import TestSupport
import Testing

@Suite("Container members and scanObject robustness")
struct ObjectShapeTests {
    static let slsRow =
        #"{"__topic__":"actiontrail_audit_event","__time__":"1628155292","event":"{\"eventId\":\"e1\","#
        + #"\"serviceName\":\"Ecs\",\"eventTime\":\"2021-08-05T09:21:32Z\",\"userIdentity\":{\"accessKeyId\":"#
        + #"\"K\\u0031\"}}"}"#

    static let lookupEvents =
        #"{"RequestId":"R","Events":[{"eventId":"1","serviceName":"Ecs"}, {"eventId":"2","ServiceName":"Oss"}],"#
        + #""NextToken":""}"#

    static let productsResponse =
        #"{"RequestId":"R","Products":[{"ServiceName":"Ecs","UsedTimestamp":1628155292000,"#
        + #""Detail":"{\"eventId\":\"1\"}"}]}"#

    @Test("an SLS row's event string decodes to an event")
    func slsRowEvent() throws {
        let row = try extract(Self.slsRow)
        guard case .string(let inner) = row.event else {
            Issue.record("event is \(row.event)")
            return
        }
        #expect(row.serviceName == .absent && row.accessKeyId == .absent)
        #expect(try rawFields(utf8(Self.slsRow)).event.escaped)
        let event = try extract(inner)
        #expect(event.eventId == .string("e1"))
        #expect(event.serviceName == .string("Ecs"))
        #expect(event.eventTime == .string("2021-08-05T09:21:32Z"))
        #expect(event.accessKeyId == .string("K1"))
    }

    @Test("a saved LookupEvents response records its Events array, whose elements scan as events")
    func lookupEventsArray() throws {
        let doc = utf8(Self.lookupEvents)
        let top = try extract(doc)
        #expect(
            top.events == .raw(.array, #"[{"eventId":"1","serviceName":"Ecs"}, {"eventId":"2","ServiceName":"Oss"}]"#))
        let elements = try doc.withUnsafeBytes { buf in
            let s = JSONScanner(buf)
            var fields = EventFields()
            _ = try s.scanObject(0, depth: 0, into: &fields)
            var out: [Extracted] = []
            var i = fields.events.start + 1
            while s[i] != 0x5D {
                let e = try extract(s, at: s.skipWhitespace(i), depth: 2)
                out.append(e)
                i = s.skipWhitespace(e.end)
                if s[i] == 0x2C { i += 1 }
            }
            #expect(i + 1 == fields.events.end)
            return out
        }
        #expect(elements.map(\.eventId) == [.string("1"), .string("2")])
        #expect(elements.map(\.serviceName) == [.string("Ecs"), .string("Oss")])
    }

    @Test("a saved Products response records Products; an element's Detail is a string slot")
    func productsDetail() throws {
        let doc = utf8(Self.productsResponse)
        let top = try extract(doc)
        guard case .raw(.array, let products) = top.products else {
            Issue.record("Products is \(top.products)")
            return
        }
        #expect(top.detail == .absent, "a Detail inside Products is not a member of the response")
        let element = try extract(String(products.dropFirst().dropLast()))
        #expect(element.detail == .string(#"{"eventId":"1"}"#))
        #expect(element.serviceName == .string("Ecs"))
    }

    @Test(
        "container members record their kind",
        arguments: [
            (#"{"Detail":"{\"a\":1}"}"#, "detail", Value.string(#"{"a":1}"#)),
            (#"{"event":{"eventId":"x"}}"#, "event", .raw(.object, #"{"eventId":"x"}"#)),
            (#"{"event":"a","event":"b"}"#, "event", .string("b")),
            (#"{"Events":"x"}"#, "events", .string("x")),
            (#"{"Events":[1],"Events":[2]}"#, "events", .raw(.array, "[2]")),
            (#"{"Products":[1],"Products":[2]}"#, "products", .raw(.array, "[2]")),
            (#"{"Detail":"1","Detail":"2"}"#, "detail", .string("2")),
            (#"{"Products":null}"#, "products", .raw(.null, "null")),
            (#"{"Detail":3}"#, "detail", .raw(.other, "3")),
            (#"{"events":[],"Event":"x","detail":"y","products":[]}"#, "none", .absent),
            (#"{"x":{"event":"a","Events":[],"Products":[],"Detail":"d"}}"#, "none", .absent),
        ]
    )
    func containerMembers(_ json: String, _ member: String, _ expected: Value) throws {
        let e = try extract(json)
        let found: [String: Value] = ["event": e.event, "events": e.events, "products": e.products, "detail": e.detail]
        for (name, value) in found {
            #expect(value == (name == member ? expected : .absent), "\(name)")
        }
    }

    @Test("member order never changes the fields", arguments: [21, 22, 23] as [UInt64])
    func memberOrder(_ seed: UInt64) throws {
        let members = [
            #""eventId":"E""#, #""serviceName":"Ecs""#, #""accessKeyId":"T""#,
            #""userIdentity":{"sessionContext":{"accessKeyId":"S"},"accessKeyId":"K","AccessKeyId":"KP"}"#,
            #""requestParameters":{"accessKeyId":"R","userIdentity":{"accessKeyId":"N"}}"#,
            #""additionalEventData":{"serviceName":"X","eventTime":"Y"}"#, #""eventTime":"2021-08-05T09:21:32Z""#,
            #""EventTime":"P""#, #""ServiceName":"P""#, #""UserIdentity":{"AccessKeyId":"P","accessKeyId":"P"}"#,
            #""eventType":"ApiCall""#, #""EventCategory":"Management""#, #""eventCategory":"Data""#,
            #""responseElements":{"AccessKey":{"AccessKeyId":"E"}}"#,
        ]
        var expected = Extracted()
        expected.eventId = .string("E")
        expected.serviceName = .string("Ecs")
        expected.accessKeyId = .string("K")
        expected.eventTime = .string("2021-08-05T09:21:32Z")
        expected.eventType = .string("ApiCall")
        expected.eventCategory = .string("Data")
        var rng = SeededRandom(seed: seed)
        for _ in 0..<200 {
            let json = "{" + members.shuffled(using: &rng).joined(separator: ",") + "}"
            var e = try extract(json)
            e.end = 0
            #expect(e == expected, "seed \(seed): \(json)")
        }
    }

    /// Truncations and one-byte corruptions of real documents: `scanObject` must report exactly what
    /// `skipValue` reports (same kind, same offset), or succeed at the same end.
    @Test("scanObject and skipValue agree on damaged documents", arguments: [sampleEvent, slsRow, lookupEvents])
    func damagedDocuments(_ text: String) {
        let doc = utf8(text)
        var failures: [String] = []
        for n in 1..<doc.count {
            let prefix = Array(doc[..<n])
            let a = scanObjectResult(prefix)
            let b = skipValueResult(prefix)
            if a != b { failures.append("prefix \(n): \(a) vs \(b)") }
        }
        let replacements: [UInt8] = [
            0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x3A, 0x2C, 0x20, 0x30, 0x61, 0x00, 0xFF, 0xC3,
        ]
        for p in 1..<doc.count {
            for r in replacements where doc[p] != r {
                var damaged = doc
                damaged[p] = r
                let a = scanObjectResult(damaged)
                let b = skipValueResult(damaged)
                if a != b { failures.append("byte \(r) at \(p): \(a) vs \(b)") }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }
}
