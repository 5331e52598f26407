import Foundation
import KeytrailExtract
import KeytrailIngest
import TestSupport
import Testing

/// Values back to back and envelopes (DESIGN "Input shapes"), through real files and the real index.
@Suite("Values back to back and envelopes")
struct EnvelopeTests {
    static let e1 = InputShapeTests.e1
    static let e2 = InputShapeTests.e2
    static let pretty1 = InputShapeTests.pretty1
    static let pretty2 = InputShapeTests.pretty2

    let e1 = Self.e1
    let e2 = Self.e2

    /// A file whose events are e1 and e2 (or `details`).
    typealias Shape = InputShapeTests.Shape

    @Test(arguments: [
        Shape(name: "zcat.json", text: "[\(e1)][\(e2)]\n"),
        Shape(name: "zcat-spaced.json", text: "[\(e1)] [\(e2)]"),
        Shape(name: "glued.jsonl", text: "\(e1)\(e2)\n"),
        Shape(name: "glued-lines.jsonl", text: "\(e1)42\n[\(e2)]\n"),
        Shape(name: "pretty-glued.json", text: pretty1 + pretty2, details: [pretty1, pretty2]),
        Shape(name: "pretty-arrays.json", text: "[\n  \(e1)\n][\n  \(e2)\n]\n"),
        Shape(
            name: "pretty-then-line.json", text: pretty1 + " " + e2,
            details: [pretty1, e2]),
    ])
    func valuesBackToBack(_ shape: Shape) throws {
        try InputShapeTests().expectBoth(shape)
    }

    @Test(arguments: [
        ("trailing.jsonl", "\(e1) x\n\(e2)\n", 1, 1),
        ("closing.json", "[\(e1)]]\n", 1, 0),
        ("pretty-trailing.json", pretty1 + "\n,\n" + pretty2, 1, 0),
    ])
    func textThatDoesNotStartAValueIsStillMalformed(name: String, text: String, rejected: Int, indexed: Int) throws {
        let (report, r) = try InputShapeTests().single(name, Array(text.utf8))
        #expect(report.rejections.count == rejected)
        #expect(report.rejections.allSatisfy { $0.kind == .json && $0.message.contains("after a JSON value") })
        #expect(r.count == indexed)
    }

    static func sls(_ e: String, _ i: Int) -> String {
        "{\"timestamp\":\(1_714_521_600 + i),\"source\":\"actiontrail.aliyuncs.com\",\"contents\":{\"__topic__\":"
            + "\"actiontrail_audit_event\",\"event\":\(quoted(e))}}"
    }

    @Test(arguments: [
        // SLS GetLogs rows: the event a string two levels down, as an array (a saved response) or lines.
        Shape(
            name: "getlogs.json", text: "[" + [e1, e2].enumerated().map { sls($1, $0) }.joined(separator: ",") + "]"),
        Shape(name: "getlogs.jsonl", text: [e1, e2].enumerated().map { sls($1, $0) }.joined(separator: "\n")),
        // Log shippers: the event's text in `message`.
        Shape(
            name: "shipper.jsonl",
            text: [e1, e2].map { "{\"@timestamp\":\"2024-05-01T00:00:01Z\",\"message\":\(quoted($0))}" }
                .joined(separator: "\n") + "\n"),
        // SIEM tables: the event an object under a column, one or two levels down.
        Shape(name: "siem.jsonl", text: "{\"TimeGenerated\":\"x\",\"Event\":\(e1)}\n{\"row\":{\"raw\":\(e2)}}\n"),
        Shape(name: "siem-string.json", text: "[{\"row\":{\"raw\":\(quoted(e1))}},{\"col\":\(quoted(e2))}]"),
        // A shipper's string holding an SLS-like object holding the event as an object.
        Shape(
            name: "string-then-object.jsonl",
            text: "{\"message\":\(quoted("{\"contents\":\(e1)}"))}\n{\"m\":\(quoted(e2))}\n"),
    ])
    func envelopesOneAndTwoLevelsDown(_ shape: Shape) throws {
        try InputShapeTests().expectBoth(shape)
    }

    @Test func anObjectWithNoEventAnywhereIsNotAnEventNeverNoAccessKey() throws {
        let text = [
            e1,
            "{\"a\":1,\"b\":\"{not json\",\"c\":\"{\\\"x\\\":1}\"}",
            // Three levels down is not searched.
            "{\"a\":{\"b\":{\"c\":\(e2)}}}",
            // Arrays in an envelope are not searched either.
            "{\"Records\":[\(e2)]}",
            // A key and a service without eventTime or eventId is not an event.
            "{\"userIdentity\":{\"accessKeyId\":\"K9\"},\"serviceName\":\"Ecs\"}",
        ].joined(separator: "\n")
        let (report, r) = try InputShapeTests().single("mixed.jsonl", Array(text.utf8))
        #expect(report.rejections.isEmpty, "\(report.rejections.map(\.formatted))")
        #expect(r.map(\.key) == ["K1"])
        #expect(report.events.skipped(.notAnEvent) == 4)
        #expect(report.events.skipped(.noAccessKey) == 0)
    }

    @Test func anEnvelopesEventWithoutAKeyIsNoAccessKey() throws {
        let signin = event(key: nil, service: "AasSub", id: "1.167_1627549154939_4381", type: "ConsoleSignin")
        let (report, r) = try InputShapeTests().single(
            "m.jsonl", Array("{\"message\":\(quoted(signin))}\n\(e1)\n".utf8))
        #expect(r.count == 1)
        #expect(report.events.skipped(.noAccessKey) == 1)
        #expect(report.events.skipped(.notAnEvent) == 0)
    }

    @Test func anEnvelopesSkipNotePointsAtTheOuterString() throws {
        let bad = event(key: "K1", time: "2024-05-01T00:00:00")
        let text = "\(e2)\n{\"@timestamp\":1,\"message\":\(quoted(bad))}\n"
        let (report, _) = try InputShapeTests().single("n.jsonl", Array(text.utf8))
        #expect(report.notes.map { "\($0.line):\($0.column) \($0.reason)" } == ["2:27 unparseableTime"])
    }
}
