import Foundation
import TestSupport
import Testing

/// The TIME forms through the binary: `products --as-of` and `ingest --until`.
@Suite("TIME forms")
struct TimeFormTests {
    static let key = "LTAI5tv6QCVFimUPfpBMBSH6"

    /// The same instant in the forms TIME takes, all accepted.
    @Test(arguments: ["2040-01-01", "2040-01-01 00:00:00Z", "2040-01-01T00:00:00Z", "2208988800000"])
    func asOfForms(_ text: String) throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        let r = try Binary.run("keytrail", ["products", Self.key, "--db", db, "--as-of", text])
        #expect(r.status == 0, "\(r.stderr)")
        // 2040-01-01 is past the 400-day window of the samples: the hidden note says so.
        #expect(r.stderr.contains("keytrail: note:"), "\(r.stderr)")
    }

    @Test(arguments: ["2026-01-01", "2026-01-01 00:00:00Z", "1767225600000"])
    func untilForms(_ text: String) throws {
        let dir = TemporaryDirectory()
        let db = dir.file("pit.sqlite")
        let r = try Binary.run("keytrail", ["ingest", "--db", db, "--until", text, SampleLogs.path])
        #expect(r.status == 0, "\(r.stderr)")
        let q = try Binary.run("keytrail", ["products", Self.key, "--db", db, "--as-of", "latest"])
        let products = try #require(try json(q.stdout)["Products"] as? [[String: Any]])
        #expect(products.allSatisfy { ($0["UsedTimestamp"] as? Int64 ?? .max) <= 1_767_225_600_000 })
    }

    /// Epoch seconds are refused with what they would be in milliseconds, never read as 1970.
    @Test func epochSecondsAreRefusedWithTheHint() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("k.sqlite")
        let hint = "got '1793491200' (it looks like epoch seconds: 1793491200000 in milliseconds)"
        let asOf = try Binary.run("keytrail", ["products", "K", "--db", db, "--as-of", "1793491200"])
        #expect(
            asOf.status == 2 && asOf.stderr.hasPrefix("keytrail: error: --as-of must be RFC 3339"), "\(asOf.stderr)")
        #expect(asOf.stderr.contains("a date (2026-10-01)") && asOf.stderr.contains(hint), "\(asOf.stderr)")
        #expect(asOf.stderr.contains("'latest' or 'now', got"))
        let until = try Binary.run("keytrail", ["ingest", "--db", db, "--until", "1793491200", SampleLogs.path])
        #expect(until.status == 2 && until.stderr.hasPrefix("keytrail: error: --until must be RFC 3339"))
        #expect(until.stderr.contains(hint), "\(until.stderr)")
        #expect(!FileManager.default.fileExists(atPath: db))
    }
}
