import Foundation
import KeytrailExtract
import KeytrailIngest
import TestSupport
import Testing

@Suite("Input shapes")
struct InputShapeTests {
    static let e1 = event(key: "K1", service: "Ecs", time: "2024-05-01T00:00:00Z", id: "A")
    static let e2 = event(key: "K2", service: "Oss", time: "2024-05-02T00:00:00Z", id: "B")
    let e1 = Self.e1
    let e2 = Self.e2

    /// Ingests one file holding `content` and returns the index rows.
    func single(_ name: String, _ content: [UInt8]) throws -> (IngestReport, [Row]) {
        let dir = TemporaryDirectory()
        try dir.write("in/" + name, content)
        let report = try ingest(dir, [dir.file("in")])
        return (report, try rows(dir.file("index.sqlite")))
    }

    /// A file named `name` holding `text`, whose events are e1 and e2 (or, for pretty documents,
    /// `details`: their text as written).
    struct Shape: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var details: [String]? = nil
        var testDescription: String { name }
    }

    func expectBoth(_ shape: Shape) throws {
        let (report, r) = try single(shape.name, Array(shape.text.utf8))
        #expect(report.rejections.isEmpty, "\(report.rejections.map(\.formatted))")
        #expect(r.map(\.key) == ["K1", "K2"])
        #expect(r.map(\.detail) == (shape.details ?? [e1, e2]))
        #expect(report.events.indexed == 2)
    }

    @Test(arguments: [
        Shape(name: "a.json", text: "[\(e1),\(e2)]"),
        Shape(name: "b.json", text: "[\n  \(e1),\n  \(e2)\n]\n"),
    ])
    func ossArrayCompactAndPretty(_ shape: Shape) throws {
        try expectBoth(shape)
    }

    @Test func lookupEventsResponse() throws {
        try expectBoth(
            Shape(name: "lookup.json", text: "{\"RequestId\":\"R\",\"Events\":[\(e1),\(e2)],\"NextToken\":\"\"}"))
    }

    static let pretty1 =
        "{\n  \"eventId\": \"A\",\n  \"userIdentity\": {\"accessKeyId\": \"K1\"},\n  \"serviceName\": \"Ecs\",\n  \"eventTime\": \"2024-05-01T00:00:00Z\"\n}"
    static let pretty2 = pretty1.replacingOccurrences(of: "K1", with: "K2").replacingOccurrences(of: "Ecs", with: "Oss")

    @Test(arguments: [
        Shape(name: "lines.jsonl", text: "\(e1)\n\n\(e2)\n"),
        Shape(name: "docs.json", text: pretty1 + "\n" + pretty2 + "\n", details: [pretty1, pretty2]),
    ])
    func jsonLinesAndDocumentsBackToBack(_ shape: Shape) throws {
        try expectBoth(shape)
    }

    static let slsRows = [e1, e2].enumerated().map { i, e in
        "{\"__time__\":\(i == 0 ? "\"1714521600\"" : "1714608000"),\"__topic__\":\"actiontrail_audit_event\",\"event\":\(quoted(e))}"
    }

    @Test(arguments: [
        Shape(name: "sls.jsonl", text: slsRows.joined(separator: "\n") + "\n"),
        // SLS GetLogs responses: an array of rows.
        Shape(name: "getlogs.json", text: "[" + slsRows.joined(separator: ",") + "]"),
    ])
    func slsRowsWithEventString(_ shape: Shape) throws {
        try expectBoth(shape)
    }

    @Test(arguments: [
        Shape(
            name: "products.json",
            text:
                "{\"RequestId\":\"R\",\"Products\":[{\"Detail\":\(quoted(e1)),\"ServiceName\":\"Ecs\"},{\"Detail\":\(quoted(e2))}]}"
        ),
        Shape(
            name: "events.json",
            text:
                "{\"RequestId\":\"R\",\"NextToken\":\"\",\"Events\":[{\"Detail\":\(quoted(e1)),\"EventName\":\"X\"},{\"Detail\":\(quoted(e2))}]}"
        ),
    ])
    func savedApiResponsesWithDetailStrings(_ shape: Shape) throws {
        try expectBoth(shape)
    }

    @Test func gzipDetectedByContentNotName() throws {
        let (report, r) = try single("delivery.json", gzip("[\(e1),\(e2)]"))
        #expect(report.rejections.isEmpty)
        #expect(r.count == 2)
        // A plain file named .gz is read as plain text.
        let (report2, r2) = try single("plain.gz", Array("[\(e1),\(e2)]".utf8))
        #expect(report2.rejections.isEmpty)
        #expect(r2.count == 2)
    }

    @Test func multiMemberGzip() throws {
        let (report, r) = try single("two.gz", gzip(e1 + "\n") + gzip(e2 + "\n"))
        #expect(report.rejections.isEmpty)
        #expect(r.map(\.key) == ["K1", "K2"])
    }

    @Test func singlePrettyEventAndBOM() throws {
        let pretty =
            "{\n  \"eventId\": \"A\",\n  \"serviceName\": \"Ecs\",\n  \"userIdentity\": {\n    \"accessKeyId\": \"K1\"\n  },\n  \"eventTime\": \"2024-05-01T00:00:00Z\"\n}"
        let (report, r) = try single("one.json", [0xEF, 0xBB, 0xBF] + Array((pretty + "\n").utf8))
        #expect(report.rejections.isEmpty)
        #expect(r.map(\.detail) == [pretty])
    }

    @Test func topLevelScalarsAndNonEventsAreSkippedAndCounted() throws {
        let (report, r) = try single("mixed.jsonl", Array("42\n\"text\"\n\(e1)\nnull\n[1,\(e2)]\n".utf8))
        #expect(report.rejections.isEmpty)
        #expect(r.count == 2)
        #expect(report.events.skipped(.notAnEvent) == 4)
        #expect(report.events.read == report.events.indexed + report.events.totalSkipped)
    }

    @Test func nestedDetailIsTheUnescapedInnerText() throws {
        let inner =
            "{\"eventId\":\"A\",\"serviceName\":\"Ecs\",\"userIdentity\":{\"accessKeyId\":\"K1\"},\"eventTime\":\"2024-05-01T00:00:00Z\",\"note\":\"tab\\there \\u00e9 \\\"q\\\"\"}"
        let row = "{\"event\":\(quoted(inner))}"
        let (report, r) = try single("sls.jsonl", Array((row + "\n").utf8))
        #expect(report.rejections.isEmpty)
        #expect(r.first?.detail == inner)
    }

    @Test func directoriesAreWalkedRecursively() throws {
        let dir = TemporaryDirectory()
        try dir.write("in/a/b/c/one.json", "[\(e1)]")
        try dir.write("in/z.jsonl.gz", gzip(e2 + "\n"))
        let report = try ingest(dir, [dir.file("in")])
        #expect(report.filesSeen == 2)
        #expect(try rows(dir.file("index.sqlite")).count == 2)
    }
}
