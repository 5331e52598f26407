import Foundation
import TestSupport
import Testing

/// `keytrail report`, through the binary: what needs action comes first, the page is one file
/// with nothing fetched and nothing of the archive's text run as markup. (Tests/report/check.sh
/// renders a 5,000-key page in a real browser.)
@Suite("Report")
struct ReportTests {
    static let hostile = "<img src=x onerror=alert(1)>"

    static func archive(_ dir: TemporaryDirectory) throws -> String {
        var lines: [String] = []
        for (n, (key, day, user)) in [
            ("LTAI5tReportTestKeyOld1", "2025-01-10", "old-user"),
            ("LTAI5tReportTestKeyNew1", "2026-10-30", hostile),
            ("LTAI5tReportTestKeyNew2", "2026-10-31", "new-user"),
        ].enumerated() {
            let body: [String: Any] = [
                "eventId": "E\(n)", "eventName": "DescribeInstances", "serviceName": "Ecs",
                "eventSource": "ecs.cn-hangzhou.aliyuncs.com", "eventTime": "\(day)T10:00:00Z",
                "userIdentity": ["accessKeyId": key, "type": "ram-user", "userName": user, "accountId": "1234"],
            ]
            let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        let input = try dir.write("in/events.json", lines.joined(separator: "\n") + "\n")
        let db = dir.file("k.sqlite")
        #expect(try Binary.run("keytrail", ["ingest", "--quiet", "--db", db, input]).status == 0)
        return db
    }

    @Test func whatNeedsActionComesFirstAndNothingIsRunAsMarkup() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let inventory = try dir.write(
            "inventory.txt", "LTAI5tReportTestKeyOld1\nLTAI5tReportTestKeyNew1\nLTAI5tReportTestKeyGone\n")
        let out = dir.file("report.html")
        let r = try Binary.run(
            "keytrail",
            ["report", "--db", db, "--as-of", "latest", "--unused-for", "30", "--inventory", inventory, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("3 key(s)") == false && r.stderr.contains("4 key(s)"), "\(r.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>") && html.hasSuffix("</html>\n"))
        // Not in the inventory, never seen, idle, active: the order of the key table.
        let order = [
            "LTAI5tReportTestKeyNew2", "LTAI5tReportTestKeyGone", "LTAI5tReportTestKeyOld1", "LTAI5tReportTestKeyNew1",
        ]
        let table = try #require(html.range(of: "id=\"keys\"")).upperBound
        let positions = order.map { html.range(of: $0, range: table..<html.endIndex)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted())
        // The archive's text is shown, never interpreted.
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;") && !html.contains(Self.hostile))
        #expect(!html.lowercased().contains("<script"))
        for id in ["coverage", "summary", "status-chart", "last-use-chart", "keys", "details"] {
            #expect(html.contains("id=\"\(id)\""), "\(id)")
        }
        #expect(html.contains("&quot;ecs:DescribeInstances&quot;"), "the policy of a detailed key")
        // Markdown, to standard output.
        let md = try Binary.run(
            "keytrail", ["report", "--db", db, "--as-of", "latest", "--format", "markdown", "--out", "-"])
        #expect(md.status == 0 && md.stdout.hasPrefix("# AccessKey audit\n"))
        #expect(md.stdout.contains("| `LTAI5tReportTestKeyNew1` | active |"))
        #expect(md.stdout.contains("\"ecs:DescribeInstances\""))
        // A place that cannot be written is an error, and nothing is left half written.
        let bad = try Binary.run("keytrail", ["report", "--db", db, "--out", dir.file("missing/report.html")])
        #expect(bad.status == 2 && bad.stderr.contains("cannot write"), "\(bad.stderr)")
    }
}
