import Foundation
import TestSupport
import Testing

@testable import KeytrailStore

/// Provenance (DESIGN "Beyond the cloud"): every stored event names the file and the position its
/// text starts at, in every input shape; the rule is order-free; `--explain` shows it and plain
/// answers stay the cloud's.
@Suite("Provenance", .serialized)
struct ProvenanceTests {
    static func keytrail(_ args: [String]) throws -> RunResult { try Binary.run("keytrail", args) }

    /// Every stored event of `db` with its provenance (the name mapped to a local path by
    /// `path`) and its Detail; and how many have none.
    static func stored(_ db: String, path: (String) -> String = { $0 }) throws -> ([ProvenanceCheck.Stored], Int) {
        let d = try Database(path: db, readOnly: true)
        let q = try d.prepare(
            "SELECT n.name, e.line, e.col, e.detail FROM event_details e LEFT JOIN file_names n ON n.id = e.file")
        let codec = DetailCodec()
        var out: [ProvenanceCheck.Stored] = []
        var unknown = 0
        while try q.step() {
            if q.isNull(0) {
                unknown += 1
                continue
            }
            let detail = q.isBlob(3) ? q.withBytes(3) { codec.decode($0) } ?? [] : q.bytes(3)
            out.append(
                ProvenanceCheck.Stored(
                    path: path(String(decoding: q.bytes(0), as: UTF8.self)), line: Int(q.int64(1)),
                    column: Int(q.int64(2)), detail: detail))
        }
        return (out, unknown)
    }

    /// (event, name, line, column) of every stored event, sorted: what must not depend on order.
    static func provenance(_ db: String) throws -> [String] {
        let d = try Database(path: db, readOnly: true)
        let q = try d.prepare(
            """
            SELECT e.key, e.service, e.ts, e.event_id, n.name, e.line, e.col FROM event_details e
            LEFT JOIN file_names n ON n.id = e.file ORDER BY e.key, e.service, e.ts, e.event_id
            """)
        var out: [String] = []
        while try q.step() { out.append((0..<7).map { q.text(Int32($0)) }.joined(separator: "|")) }
        return out
    }

    static func expectFound(_ db: String, path: (String) -> String = { $0 }, atLeast: Int) throws {
        let (events, unknown) = try stored(db, path: path)
        #expect(unknown == 0)
        #expect(events.count >= atLeast)
        let problems = try ProvenanceCheck.problems(events)
        #expect(problems.isEmpty, "\(problems.count) of \(events.count): \(problems.prefix(5))")
    }

    @Test func everySampleEventStartsWhereItsProvenanceSays() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        try Self.expectFound(db, atLeast: 300)
        // Every shape of the samples is among the files named.
        let names = Set(try Self.stored(db).0.map(\.path))
        for shape in ["/api/", "/console/", "/jsonl/", "/oss/", "/oss-plain/", "/sls/"] {
            #expect(names.contains { $0.contains(SampleLogs.path + shape) }, "\(shape)")
        }
        #expect(names.contains { $0.hasSuffix(".gz") } && names.contains { !$0.hasSuffix(".gz") })
    }

    @Test func everyTrapArchiveEventStartsWhereItsProvenanceSays() throws {
        let dir = TemporaryDirectory()
        let db = dir.file("traps.sqlite")
        try MergeTests.ingest(db, MergeTests.files)
        try Self.expectFound(db, atLeast: 100)
    }

    /// Hand-made shapes the archives may not hold: a BOM, CRLF lines, pretty documents, values back
    /// to back, SLS rows and responses in strings (twice nested), gzip of two members, envelopes.
    @Test func handMadeShapesIncludingBOMAndNestedStrings() throws {
        let dir = TemporaryDirectory()
        func e(_ id: String, _ extra: String = "") -> String {
            "{\"eventId\":\"\(id)\",\"userIdentity\":{\"accessKeyId\":\"LTAI5tProvenance0001\"},"
                + "\"serviceName\":\"S\(id)\",\"eventTime\":\"2026-05-01T00:00:0\(id.count % 10)Z\"\(extra)}"
        }
        func q(_ s: String) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: s, options: .fragmentsAllowed), as: UTF8.self)
        }
        try dir.write("in/bom.jsonl", [0xEF, 0xBB, 0xBF] + Array("\(e("A"))\n  \(e("B"))\n".utf8))
        try dir.write("in/crlf.jsonl", "\(e("C"))\r\n\(e("D"))\r\n")
        try dir.write("in/pretty.json", "[\n  \(e("E")),\n\n    \(e("F"))\n]\n\(e("G"))")
        try dir.write("in/glued.jsonl", "\(e("H"))\(e("I"))\n")
        try dir.write("in/sls.jsonl", "{\"__time__\":1,\"contents\":{\"event\":\(q(e("J")))}}\n")
        let inner = "{\"Events\":[{\"Detail\":\(q(e("K")))}]}"
        try dir.write("in/twice.json", "{\"event\":\(q(inner))}")
        try dir.write("in/resp.json", "{\"RequestId\":\"R\",\n \"Events\":[\n  {\"Detail\":\(q(e("L")))}]}")
        // Read Events first, then Products: the count goes back to the start of the document.
        try dir.write(
            "in/both.json", "{\"Products\":[\n{\"Detail\":\(q(e("P")))}],\n\"Events\":[\n{\"Detail\":\(q(e("Q")))}]}")
        try dir.write("in/envelope.jsonl", "{\"log\":{\"record\":\(e("M"))}}\n")
        try dir.write("in/two.gz", gzipBytes("\(e("N"))\n") + gzipBytes("\n\n   \(e("O"))\n"))
        let db = dir.file("k.sqlite")
        let r = try Self.keytrail(["ingest", "--db", db, dir.file("in")])
        #expect(r.status == 0, "\(r.stderr)")
        try Self.expectFound(db, atLeast: 17)
        let at = Dictionary(
            uniqueKeysWithValues: try Self.stored(db).0.map {
                (
                    String(decoding: $0.detail.prefix(14).suffix(2), as: UTF8.self),
                    "\($0.path.split(separator: "/").last!):\($0.line):\($0.column)"
                )
            })
        // Columns count bytes from after the BOM; a nested event points at its outermost string.
        #expect(at["A\""] == "bom.jsonl:1:1")
        #expect(at["B\""] == "bom.jsonl:2:3")
        #expect(at["D\""] == "crlf.jsonl:2:1")
        #expect(at["F\""] == "pretty.json:4:5")
        #expect(at["G\""] == "pretty.json:6:1")
        #expect(at["I\""] == "glued.jsonl:1:\(e("H").utf8.count + 1)")
        #expect(at["J\""] == "sls.jsonl:1:35")
        #expect(at["K\""] == "twice.json:1:10")
        #expect(at["L\""] == "resp.json:3:13")
        #expect(at["M\""] == "envelope.jsonl:1:18")
        #expect(at["O\""] == "two.gz:4:4")
        #expect(at["P\""] == "both.json:2:11")
        #expect(at["Q\""] == "both.json:4:11")
    }

    /// gzip of `text`, one member.
    func gzipBytes(_ text: String) -> [UInt8] {
        let dir = TemporaryDirectory()
        let path = try! dir.write("t", text)
        let r = try! Binary.run("/bin/sh", ["-c", "gzip -c '\(path)' > '\(path).gz'"])
        precondition(r.status == 0)
        return [UInt8](try! Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
    }

    /// Copies of one event in several files, with the same text and with another: whatever the
    /// order of files, jobs and batches, the greater text is kept with its own position, and of
    /// one text the least (name, line, column); an event stored without provenance gets one.
    @Test func copiesMeetOrderFree() throws {
        let dir = TemporaryDirectory()
        let base =
            "{\"eventId\":\"X\",\"userIdentity\":{\"accessKeyId\":\"LTAI5tProvenance0002\"},\"serviceName\":\"Ecs\","
            + "\"eventTime\":\"2026-05-01T00:00:00Z\",\"eventName\":\"Run\",\"sourceIpAddress\":\"10.0.0.1\""
        let same = base + ",\"z\":1}"
        let greater = base + ",\"z\":2}"
        let other =
            "{\"eventId\":\"Y\",\"userIdentity\":{\"accessKeyId\":\"LTAI5tProvenance0002\"},"
            + "\"serviceName\":\"Oss\",\"eventTime\":\"2026-05-02T00:00:00Z\"}"
        let files = [
            try dir.write("in/b.jsonl", "\(other)\n\(same)\n"),
            try dir.write("in/a.jsonl", "\n\n\(same)\n"),
            try dir.write("in/c.jsonl", "\(same)\n"),
            try dir.write("in/d/x.jsonl", "\(other)\n\(other)\n"),
        ]
        var seen: Set<[String]> = []
        for (n, order) in [files, files.reversed(), [files[2], files[0], files[3], files[1]]].enumerated() {
            for (jobs, batch) in [("1", "1"), ("2", "256"), ("2", "1")] {
                let db = dir.file("o\(n)-\(jobs)-\(batch).sqlite")
                let r = try Binary.run(
                    "keytrail",
                    ["ingest", "--quiet", "--db", db, "--jobs", jobs, "--batch-files", batch, "--files-from", "-"],
                    stdin: Array(order.map { $0 + "\n" }.joined().utf8))
                #expect(r.status == 0, "\(r.stderr)")
                seen.insert(try Self.provenance(db))
            }
        }
        #expect(seen.count == 1)
        let rows = try #require(seen.first)
        #expect(rows.contains { $0.hasSuffix("|X|\(files[1])|3|1") }, "\(rows)")
        #expect(rows.contains { $0.hasSuffix("|Y|\(files[0])|1|1") }, "\(rows)")
        // A greater text elsewhere wins with its own position, in any order.
        let g = try dir.write("in/z.jsonl", "\(other)\n\n\(greater)\n")
        for (n, order) in [files + [g], [g] + files].enumerated() {
            let db = dir.file("g\(n).sqlite")
            let r = try Binary.run(
                "keytrail",
                ["ingest", "--quiet", "--db", db, "--jobs", "1", "--batch-files", "1", "--files-from", "-"],
                stdin: Array(order.map { $0 + "\n" }.joined().utf8))
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Self.provenance(db).contains { $0.hasSuffix("|X|\(g)|3|1") })
        }
        // Shards that each hold some of the copies merge, in any order, into new and held
        // targets, as one ingest of all.
        let shards = [[files[0], files[2]], [files[1], files[3]], [files[2], files[3]]].enumerated().map { n, s in
            let db = dir.file("shard\(n).sqlite")
            _ = try? Binary.run(
                "keytrail", ["ingest", "--quiet", "--db", db, "--files-from", "-"],
                stdin: Array(s.map { $0 + "\n" }.joined().utf8))
            return db
        }
        for (n, order) in [shards, shards.reversed(), [shards[1], shards[0], shards[2]]].enumerated() {
            let fresh = dir.file("m\(n).sqlite")
            #expect(try Self.keytrail(["merge", "--quiet", "--into", fresh] + order).status == 0)
            #expect(try Self.provenance(fresh) == rows, "order \(n)")
            let held = dir.file("h\(n).sqlite")
            #expect(try Self.keytrail(["merge", "--quiet", "--into", held, order[0]]).status == 0)
            #expect(try Self.keytrail(["merge", "--quiet", "--into", held] + order.dropFirst()).status == 0)
            #expect(try Self.provenance(held) == rows, "in place, order \(n)")
        }
        // An event stored before provenance was kept (NULL) gets one when it is read again.
        let db = dir.file("o0-1-1.sqlite")
        do {
            let w = try Database(path: db)
            try w.execute("UPDATE event_details SET file = NULL, line = NULL, col = NULL; DELETE FROM files")
        }
        let before = try Self.keytrail([
            "products", "LTAI5tProvenance0002", "--db", db, "--as-of", "latest", "--explain",
        ])
        #expect(before.stdout.contains("\"Provenance\": null"), "\(before.stdout)")
        #expect(before.stderr.contains("keytrail: note: 2 of 2 row(s) have no provenance"), "\(before.stderr)")
        #expect(try Self.keytrail(["ingest", "--quiet", "--db", db, files[1], files[0]]).status == 0)
        #expect(try Self.provenance(db) == rows)
    }

    /// Byte-identical files are read once (the others are copies): whichever is read, and in
    /// whichever run, the least name of the content names its events.
    @Test func copiesOfAFileNameTheLeastName() throws {
        let dir = TemporaryDirectory()
        let text =
            "\n{\"eventId\":\"C\",\"userIdentity\":{\"accessKeyId\":\"LTAI5tProvenance0003\"},"
            + "\"serviceName\":\"Ecs\",\"eventTime\":\"2026-05-01T00:00:00Z\"}\n"
        let b = try dir.write("in/b.jsonl", text)
        let a = try dir.write("in/a.jsonl", text)
        let c = try dir.write("in/c.jsonl", text)
        var seen: Set<[String]> = []
        for (n, runs) in [[[b, a, c]], [[c, a, b]], [[b], [c], [a]], [[a], [b, c]], [[c], [b]]].enumerated() {
            let db = dir.file("c\(n).sqlite")
            for run in runs {
                let r = try Binary.run(
                    "keytrail",
                    ["ingest", "--quiet", "--db", db, "--jobs", "2", "--batch-files", "1", "--files-from", "-"],
                    stdin: Array(run.map { $0 + "\n" }.joined().utf8))
                #expect(r.status == 0, "\(r.stderr)")
            }
            let rows = try Self.provenance(db)
            #expect(rows.count == 1)
            if n < 4 { seen.insert(rows) } else { #expect(rows[0].hasSuffix("|\(b)|2|1"), "\(rows)") }
        }
        // Read all together or a.jsonl in any run: a.jsonl; without it, the least of the others.
        #expect(seen.count == 1)
        #expect(try #require(seen.first?.first).hasSuffix("|\(a)|2|1"))
    }

    /// The answers with `--explain`: each row's Provenance in JSON (the rest byte for byte the
    /// plain answer), FROM in tables and CSV, NDJSON and `--keys-from`; logical names from
    /// `--files-from`; plain answers without it.
    @Test func explainAddsProvenanceAndNothingElse() throws {
        let dir = TemporaryDirectory()
        let db = try SampleLogs.index(dir)
        let key = try #require(
            try json(
                try Self.keytrail(["keys", "--db", db, "--as-of", "latest", "--format", "ndjson"]).stdout
                    .split(separator: "\n")[0].description)["AccessKeyId"] as? String)
        let common = ["--db", db, "--as-of", "latest"]
        func strip(_ text: String) -> String {
            text.replacingOccurrences(
                of: ",\\n? *\"Provenance\": ?(null|\\{[^}]*\\})", with: "", options: .regularExpression
            ).replacingOccurrences(
                of: "\"RequestId\": ?\"[^\"]*\"", with: "\"RequestId\":\"\"", options: .regularExpression)
        }
        let service =
            try #require(
                try json(try Self.keytrail(["products", key] + common).stdout)["Products"] as? [[String: Any]])[0][
                "ServiceName"] as? String
        let commands: [[String]] = [
            ["products", key], ["info", key], ["events", key, "--service", service!],
            ["ips", key, "--service", service!, "--all"], ["resources", key, "--service", service!],
        ]
        for c in commands {
            for format in ["json", "ndjson"] {
                let plain = try Self.keytrail(c + common + ["--format", format])
                let explained = try Self.keytrail(c + common + ["--format", format, "--explain"])
                #expect(plain.status == 0 && explained.status == 0, "\(c): \(explained.stderr)")
                #expect(!plain.stdout.contains("Provenance"))
                #expect(explained.stdout.contains("\"Provenance\":"), "\(c) \(format)")
                #expect(strip(explained.stdout) == strip(plain.stdout), "\(c) \(format)")
            }
            let table = try Self.keytrail(c + common + ["--format", "table", "--wide", "--explain"]).stdout
            #expect(table.split(separator: "\n")[0].hasSuffix("FROM"), "\(table)")
            #expect(table.contains(SampleLogs.path + "/"), "\(table)")
            let csv = try Self.keytrail(c + common + ["--format", "csv", "--explain"]).stdout
            #expect(csv.split(separator: "\n")[0].hasSuffix(",FROM"))
        }
        // Each row's provenance is its event's: JSON and the table say the same place.
        let products = try #require(
            try json(try Self.keytrail(["products", key] + common + ["--explain"]).stdout)["Products"]
                as? [[String: Any]])
        let table = try Self.keytrail(["products", key] + common + ["--format", "csv", "--explain"]).stdout
        for p in products {
            let from = try #require(p["Provenance"] as? [String: Any])
            let place = "\(from["File"]!):\(from["Line"]!):\(from["Column"]!)"
            #expect(table.contains(place), "\(place)")
        }
        // Info puts it beside the answer's fields; --keys-from: one line per key.
        let info = try json(try Self.keytrail(["info", key] + common + ["--explain"]).stdout)
        #expect(info["Provenance"] is [String: Any])
        let list = try dir.write("keys.txt", "\(key)\nLTAI5tNoSuchKey000001\n")
        for c in ["products", "info"] {
            let lines = try Self.keytrail([c, "--keys-from", list] + common + ["--explain"]).stdout.split(
                separator: "\n")
            #expect(lines.count == 2)
            #expect(lines[0].contains("\"Provenance\":{\"File\":"), "\(lines[0])")
        }
        // A logical name from --files-from is what the provenance names.
        let named = dir.file("named.sqlite")
        let file = SampleLogs.path + "/api/lookup-events.json"
        let r = try Binary.run(
            "keytrail", ["ingest", "--quiet", "--db", named, "--files-from", "-"],
            stdin: Array("\(file)\toss://bucket/api/lookup-events.json\n".utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let (events, _) = try Self.stored(named) { $0 }
        #expect(!events.isEmpty && events.allSatisfy { $0.path == "oss://bucket/api/lookup-events.json" })
        try Self.expectFound(named, path: { _ in file }, atLeast: 1)
    }
}
