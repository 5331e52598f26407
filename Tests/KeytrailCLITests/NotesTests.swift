import Foundation
import TestSupport
import Testing

/// The notes of "Answers a person cannot misread", through the real binary: on stderr as
/// `keytrail: note:` lines, the JSON body as the cloud sends it.
@Suite("Notes")
struct NotesTests {
    static let key = "LTAI5tv6QCVFimUPfpBMBSH6"
    /// The sample archive's events span these times.
    static let span = "events 2025-06-19T22:30:44.393Z .. 2026-11-01T00:00:00Z"

    func keytrail(_ args: [String], stdin: [UInt8]? = nil) throws -> RunResult {
        try Binary.run("keytrail", args, stdin: stdin)
    }

    /// The `keytrail: note:` lines of `stderr`, without the prefix.
    func notes(_ r: RunResult) -> [String] {
        r.stderr.split(separator: "\n").compactMap { line in
            line.hasPrefix("keytrail: note: ") ? String(line.dropFirst("keytrail: note: ".count)) : nil
        }
    }

    @Test func anUnknownKeyNamesTheIndexAndNearMatches() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        let typo = String(Self.key.dropLast()) + "5"
        for command in ["products", "info"] {
            let r = try keytrail([command, typo, "--db", db, "--as-of", "latest"])
            #expect(r.status == 0)
            #expect(
                notes(r) == [
                    "\(typo) does not occur in the index (6 keys, \(Self.span); keys are case-sensitive); "
                        + "did you mean \(Self.key)?"
                ])
            #expect(!r.stdout.contains("note") && !r.stdout.contains("did you mean"))
        }
        let cased = try keytrail(["products", Self.key.lowercased(), "--db", db, "--as-of", "latest"])
        #expect(notes(cased).first?.hasSuffix("did you mean \(Self.key)?") == true)
        // The body is the cloud's: an empty Products list.
        #expect((try json(cased.stdout)["Products"] as? [Any])?.isEmpty == true)
        let listing = try keytrail(["events", typo, "--service", "Ecs", "--db", db, "--as-of", "latest"])
        #expect(listing.status == 0 && notes(listing).first?.contains("does not occur in the index") == true)
        // --keys-from: a note per unknown key, the NDJSON lines unchanged.
        let batch = try keytrail(
            ["products", "--keys-from", "-", "--db", db, "--as-of", "latest"],
            stdin: Array("\(Self.key)\n\(typo)\n".utf8))
        #expect(batch.stdout.split(separator: "\n").count == 2)
        // Each note names the list's line (the file's own numbering).
        #expect(notes(batch).filter { $0.hasPrefix("<stdin>:2: \(typo) does not occur") }.count == 1)
    }

    @Test func anEmptyIndexSaysSo() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("k.sqlite")
        // A console sign-in: an event without an AccessKey, skipped.
        let event =
            "{\"eventId\":\"A\",\"serviceName\":\"Ecs\",\"userIdentity\":{},\"eventTime\":\"2024-05-01T00:00:00Z\"}"
        let input = try dir.write("in/signin.json", event)
        #expect(try keytrail(["ingest", "--quiet", "--db", db, input]).status == 0)
        let r = try keytrail(["products", Self.key, "--db", db, "--as-of", "latest"])
        #expect(r.status == 0)
        #expect(notes(r).first?.contains("does not occur in the index: it holds no events") == true)
    }

    @Test func anUnknownServiceNamesTheKeysServices() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        for command in ["events", "ips", "resources"] {
            let r = try keytrail([command, Self.key, "--service", "ecs", "--db", db, "--as-of", "latest"])
            #expect(r.status == 0)
            let n = try #require(notes(r).first)
            #expect(
                n.hasPrefix("\(Self.key) has no events of service 'ecs' in the index; its services: Actiontrail, CS,"))
            #expect(n.hasSuffix("(case-sensitive); did you mean Ecs?"))
        }
    }

    @Test func eachProductTheWindowHidesIsNoted() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        // Ims is one millisecond before the 400-day window; everything else is in it.
        let r = try keytrail(["products", Self.key, "--db", db, "--as-of", "latest"])
        #expect(r.status == 0)
        #expect(
            notes(r) == [
                "Ims last used 2025-09-26T23:59:59.999Z — outside the 400-day window ending 2026-11-01T00:00:00Z; "
                    + "`--window-days 401` shows it"
            ])
        let shown = try keytrail(["products", Self.key, "--db", db, "--as-of", "latest", "--window-days", "401"])
        #expect(notes(shown).isEmpty)
        #expect(
            (try json(shown.stdout)["Products"] as? [[String: Any]])?.contains { $0["ServiceName"] as? String == "Ims" }
                == true)
        // The table form gets the same notes.
        let table = try keytrail(["products", Self.key, "--db", db, "--as-of", "latest", "--format", "table"])
        #expect(notes(table) == notes(r))
        // A listing hidden by its window says when its rows were last used.
        let ips = try keytrail([
            "ips", Self.key, "--service", "Kms", "--db", db, "--as-of", "latest", "--window-days", "30",
        ])
        #expect(notes(ips).count == 1 && notes(ips)[0].hasPrefix("Kms ips last used "))
        #expect(notes(ips)[0].hasSuffix("shows them"))
    }

    @Test func theDefaultAsOfHidingAnOldArchiveNamesLatest() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        // The archive ends 2026-11-01; a 10-day window ending now (later) hides all of the key.
        let r = try keytrail(["products", Self.key, "--db", db, "--window-days", "10"])
        #expect(r.status == 0)
        let n = notes(r)
        #expect(n.first?.hasPrefix("the window ends now (") == true)
        #expect(
            n.first?.hasSuffix(
                "but the index ends 2026-11-01T00:00:00Z: `--as-of latest` answers as of the end of the archive")
                == true)
        #expect(n.count == 15)
        #expect(n.dropFirst().allSatisfy { $0.contains("outside the 10-day window ending") })
        #expect((try json(r.stdout)["Products"] as? [Any])?.isEmpty == true)
        // --keys-from answers all keys in one window ending now: the same advice.
        let batch = try keytrail(
            ["products", "--keys-from", "-", "--db", db, "--window-days", "10"], stdin: Array("\(Self.key)\n".utf8))
        #expect(notes(batch).first?.contains("`--as-of latest`") == true && notes(batch).count == n.count)
        let latest = try keytrail(["products", Self.key, "--db", db, "--window-days", "10", "--as-of", "latest"])
        #expect(!notes(latest).contains { $0.contains("--as-of latest") })
    }

    @Test func theRefusalNamesANewIndex() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        let r = try keytrail(["products", Self.key, "--db", db, "--as-of", "2026-01-01T00:00:00Z"])
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(
            r.stderr.contains(
                "Build a point-in-time index in a new file: "
                    + "`keytrail ingest --db NEW --until 2026-01-01T00:00:00.000Z PATH...`"))
    }

    @Test func ingestUntilIntoAnIndexWithLaterEventsIsRefused() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let r = try keytrail(["ingest", "--db", db, "--until", "2026-01-01T00:00:00Z", SampleLogs.path])
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(
            r.stderr == "keytrail: error: \(db) already holds events up to 2026-11-01T00:00:00.000Z, after --until "
                + "2026-01-01T00:00:00.000Z: it cannot become a point-in-time index. Build a point-in-time index in "
                + "a new file: `keytrail ingest --db NEW --until 2026-01-01T00:00:00.000Z PATH...`\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        // In a new file it works, and again into the same point-in-time index (nothing later there).
        let pit = dir.file("pit.sqlite")
        for _ in 0..<2 {
            let ok = try keytrail([
                "ingest", "--quiet", "--db", pit, "--until", "2026-01-01T00:00:00Z", SampleLogs.path,
            ])
            #expect(ok.status == 0, "\(ok.stderr)")
        }
        // A later --until is no contradiction either.
        #expect(
            try keytrail(["ingest", "--quiet", "--db", db, "--until", "2030-01-01T00:00:00Z", SampleLogs.path]).status
                == 0)
    }
}
