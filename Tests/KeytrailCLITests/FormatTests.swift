import Foundation
import TestSupport
import Testing

/// `--format json|table|csv|ndjson`, `--wide`, `--all`, `--keys-from` and the keys' order and
/// filters, through the binary; CSV read back by Python's csv module, NDJSON by a JSON parser.
@Suite("Formats")
struct FormatTests {
    static let key = "LTAI5tFormatTestKey00001"
    static let other = "LTAI5tFormatTestKey00002"
    /// An event name a CSV and a terminal must both survive.
    static let awkward = "Put,\"quoted\"\nnext line\u{1B}[31m"

    /// 45 event names of Ecs (for paging), a second service, a second key, and an event name
    /// that holds a comma, quotes, a line break and an escape sequence.
    static func archive(_ dir: TemporaryDirectory) throws -> String {
        var lines: [String] = []
        func event(_ n: Int, key: String, service: String, name: String, ip: String, resource: String) {
            let t = 1_780_000_000_000 + Int64(n) * 60_000
            let seconds = t / 1000
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let f = ISO8601DateFormatter()
            let body: [String: Any] = [
                "eventId": "E\(n)", "eventName": name, "serviceName": service, "sourceIpAddress": ip,
                "eventTime": f.string(from: date),
                "resourceName": resource, "resourceType": "ACS::OSS::Bucket",
                "userIdentity": [
                    "accessKeyId": key, "type": "ram-user", "userName": "user-\(key.suffix(1))",
                    "accountId": "12345678901234\(key.suffix(2))", "principalId": "2000\(key.suffix(1))",
                ],
            ]
            let data = try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        for n in 0..<45 {
            event(n, key: key, service: "Ecs", name: "Describe\(n)", ip: "10.0.0.\(n % 7)", resource: "i-\(n % 9)")
        }
        event(50, key: key, service: "Oss", name: awkward, ip: "10.0.1.1", resource: "bucket")
        event(51, key: other, service: "Ecs", name: "StartInstance", ip: "10.0.2.1", resource: "i-x")
        let input = try dir.write("in/events.json", lines.joined(separator: "\n") + "\n")
        let db = dir.file("k.sqlite")
        let r = try Binary.run("keytrail", ["ingest", "--quiet", "--db", db, input])
        #expect(r.status == 0, "\(r.stderr)")
        return db
    }

    /// `keytrail args… --db db --as-of latest` with `COLUMNS` set.
    static func run(_ args: [String], _ db: String, columns: Int = 80, stdin: [UInt8]? = nil) throws -> RunResult {
        try Binary.run(
            "keytrail", args + ["--db", db, "--as-of", "latest"], stdin: stdin,
            environment: ["COLUMNS": String(columns)])
    }

    /// `text` parsed by Python's csv module: the rows as lists of fields.
    static func pythonCSV(_ text: String) throws -> [[String]] {
        let script = "import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))"
        let r = try Binary.run("/usr/bin/env", ["python3", "-c", script], stdin: Array(text.utf8))
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String]])
    }

    /// Each NDJSON line parsed on its own.
    static func ndjson(_ text: String) throws -> [[String: Any]] {
        #expect(text.isEmpty || text.hasSuffix("\n"))
        return try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { try json(String($0)) }
    }

    /// `2026-11-01T00:00:00Z`: the one time format of tables and CSV.
    static func seconds(_ ms: Any?) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: TimeInterval((ms as? Int64 ?? 0) / 1000)))
    }

    /// The answer's list and what each form must show of it: for every query command, CSV rows and
    /// NDJSON objects equal the JSON answer's items, in order.
    @Test(arguments: [
        (["products", key], "Products", ["ServiceName", "LastUsed", "Source", "ServiceNameEn", "ServiceNameCn"]),
        (
            ["events", key, "--service", "Ecs"], "Events",
            ["AccessKeyId", "ServiceName", "EventName", "LastUsed", "Source"]
        ),
        (["ips", key, "--service", "Ecs"], "Ips", ["AccessKeyId", "ServiceName", "Ip", "LastUsed", "Source"]),
        (
            ["resources", key, "--service", "Oss"], "Resources",
            ["AccessKeyId", "ServiceName", "ResourceName", "ResourceType", "LastUsed", "Source"]
        ),
    ])
    func everyFormOfAnAnswerHoldsItsRows(_ args: [String], _ list: String, _ header: [String]) throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let body = try json(try Self.run(args, db).stdout)
        let items = try #require(body[list] as? [[String: Any]])
        #expect(!items.isEmpty)
        let csv = try Self.run(args + ["--format", "csv"], db)
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = try Self.pythonCSV(csv.stdout)
        #expect(rows.first == header)
        #expect(rows.count == items.count + 1)
        let nd = try Self.ndjson(try Self.run(args + ["--format", "ndjson"], db).stdout)
        #expect(nd.count == items.count)
        for (i, item) in items.enumerated() {
            let row = Dictionary(uniqueKeysWithValues: zip(header, rows[i + 1]))
            #expect(row["LastUsed"] == Self.seconds(item["UsedTimestamp"]))
            for (member, value) in item where member != "UsedTimestamp" && member != "Detail" {
                if let cell = row[member] { #expect(cell == value as? String, "\(member)") }
            }
            // An NDJSON line is the item, naming its key (and the listing's service).
            #expect(nd[i]["AccessKeyId"] as? String == Self.key)
            for (member, value) in item {
                #expect("\(nd[i][member] ?? "missing")" == "\(value)", "\(member)")
            }
        }
        let table = try Self.run(args + ["--format", "table"], db)
        #expect(table.status == 0)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.count == items.count + 2)
        #expect(lines.last?.contains("window ending") == true)
        for line in lines.dropLast() { #expect(line.count <= 80, "\(line)") }
    }

    @Test func infoHasEveryFormToo() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let body = try json(try Self.run(["info", Self.key], db).stdout)
        let rows = try Self.pythonCSV(try Self.run(["info", Self.key, "--format", "csv"], db).stdout)
        #expect(rows.count == 2)
        let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
        for member in ["AccessKeyId", "ServiceName", "Source", "AccountType", "UserName", "AccountId", "OwnerId"] {
            #expect(row[member] == body[member] as? String, "\(member)")
        }
        #expect(row["LastUsed"] == Self.seconds(body["UsedTimestamp"]))
        let nd = try Self.ndjson(try Self.run(["info", Self.key, "--format", "ndjson"], db).stdout)
        var expected = body
        expected["RequestId"] = nil
        #expect(nd.count == 1 && NSDictionary(dictionary: nd[0]).isEqual(to: expected))
        let table = try Self.run(["info", Self.key, "--format", "table"], db).stdout
        #expect(table.hasPrefix("AccessKeyId  ") && table.contains(Self.key + "  "))
    }

    @Test func keysHasEveryFormToo() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let body = try json(try Self.run(["keys"] + ["--format", "json"], db).stdout)
        let items = try #require(body["Keys"] as? [[String: Any]])
        let rows = try Self.pythonCSV(try Self.run(["keys", "--format", "csv"], db).stdout)
        #expect(rows.count == items.count + 1)
        let nd = try Self.ndjson(try Self.run(["keys", "--format", "ndjson"], db).stdout)
        for (i, item) in items.enumerated() {
            let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[i + 1]))
            #expect(row["AccessKeyId"] == item["AccessKeyId"] as? String)
            #expect(row["LastUsed"] == Self.seconds(item["LastUsedTimestamp"]))
            #expect(row["Services"] == "\(item["Services"] ?? "")" && row["UserName"] == item["UserName"] as? String)
            #expect(NSDictionary(dictionary: nd[i]).isEqual(to: item))
        }
    }

    @Test func csvQuotesAndTablesShowControlCharacters() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let args = ["events", Self.key, "--service", "Oss"]
        let rows = try Self.pythonCSV(try Self.run(args + ["--format", "csv"], db).stdout)
        #expect(rows.dropFirst().map { $0[2] } == [Self.awkward])
        let table = try Self.run(args + ["--format", "table", "--wide"], db).stdout
        // The line break and the escape are shown, not obeyed.
        #expect(table.contains("Put,\"quoted\"\\nnext line\\u{1B}[31m"), "\(table)")
        #expect(!table.contains("\u{1B}"))
    }

    @Test func tablesFitColumnsAndWidePrintsCellsWhole() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let narrow = try Self.run(["products", Self.key, "--format", "table"], db, columns: 55)
        let lines = narrow.stdout.split(separator: "\n").dropLast()
        for line in lines { #expect(line.count <= 55, "\(line)") }
        // Cut cells end with …; the key IDs, service codes and times stay whole.
        // First headers wider than their cells give way, then long names.
        #expect(narrow.stdout.hasPrefix("Servi…  LastUsed  "), "\(narrow.stdout)")
        #expect(narrow.stdout.contains("  Elastic Comput…\n"), "\(narrow.stdout)")
        #expect(lines.contains { $0.hasPrefix("Ecs  ") })
        let wide = try Self.run(["products", Self.key, "--format", "table", "--wide"], db, columns: 50)
        #expect(wide.stdout.contains("Elastic Compute Service") && !wide.stdout.contains("…"))
        // --wide shows the columns a table leaves to CSV.
        #expect(wide.stdout.hasPrefix("ServiceName  LastUsed  ") && wide.stdout.contains("ServiceNameCn"))
        let keys = try Self.run(["keys"], db, columns: 60).stdout
        #expect(keys.contains(Self.key + "  ") && keys.contains(Self.other + "  "))
    }

    @Test func allIsEveryPageConcatenated() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        for command in ["events", "ips", "resources"] {
            var rows: [[String: Any]] = []
            var token = ""
            let list = command == "events" ? "Events" : command == "ips" ? "Ips" : "Resources"
            repeat {
                let page = try json(
                    try Self.run(
                        [command, Self.key, "--service", "Ecs", "--page-size", "4", "--next-token", token], db
                    )
                    .stdout)
                rows += try #require(page[list] as? [[String: Any]])
                token = try #require(page["NextToken"] as? String)
            } while !token.isEmpty
            let all = try json(try Self.run([command, Self.key, "--service", "Ecs", "--all"], db).stdout)
            #expect(all["NextToken"] as? String == "")
            let together = try #require(all[list] as? [[String: Any]])
            #expect(together.count == rows.count && rows.count == (command == "events" ? 45 : command == "ips" ? 7 : 9))
            #expect(NSArray(array: together).isEqual(to: rows), "\(command)")
            // Small pages give the same.
            let small = try json(
                try Self.run([command, Self.key, "--service", "Ecs", "--all", "--page-size", "3"], db).stdout)
            #expect(NSArray(array: try #require(small[list] as? [[String: Any]])).isEqual(to: rows))
            let nd = try Self.ndjson(
                try Self.run([command, Self.key, "--service", "Ecs", "--all", "--format", "ndjson"], db).stdout)
            #expect(nd.count == rows.count)
        }
        // Without --all, a table names the next page.
        let page = try Self.run(["events", Self.key, "--service", "Ecs", "--format", "table"], db).stdout
        #expect(page.contains("; more: --next-token ") && page.hasSuffix("(or --all)\n"))
    }

    @Test(arguments: ["products", "info"])
    func keysFromSkipsCommentsTrimsAndNamesTrueLines(_ command: String) throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let list = "\u{FEFF}# the keys of team A\r\n\r\n  \(Self.key)\t\r\n# retired:\nnot a key\n\(Self.other)\n"
        let file = try dir.write("keys.txt", list)
        let r = try Self.run([command, "--keys-from", file], db)
        #expect(r.status == 1)
        let answers = try Self.ndjson(r.stdout)
        #expect(answers.map { $0["AccessKeyId"] as? String } == [Self.key, "not a key", Self.other])
        #expect(answers[1]["Code"] as? String == "InvalidQueryParameter")
        // The error names the file's own line 5, not the third answer.
        #expect(r.stderr.contains("keytrail: error: \(file):5: not a key: InvalidQueryParameter"), "\(r.stderr)")
        // The same list on stdin, as CSV: one header, the good keys' rows.
        let csv = try Self.run([command, "--keys-from", "-", "--format", "csv"], db, stdin: Array(list.utf8))
        #expect(csv.status == 1 && csv.stderr.contains("<stdin>:5: not a key"))
        let rows = try Self.pythonCSV(csv.stdout)
        #expect(rows[0][0] == "AccessKeyId")
        #expect(Set(rows.dropFirst().map { $0[0] }) == [Self.key, Self.other])
        if command == "products" {
            // Every product of every key, each row naming its key.
            #expect(rows.count == 1 + 2 + 1)
        } else {
            #expect(rows.count == 1 + 2)
        }
    }

    @Test func keysSortsByWhatNeedsActionAndFilters() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let inventory = try dir.write("inventory.txt", "\(Self.key)\nLTAI5tNeverSeenKey000001\n")
        func keys(_ extra: [String]) throws -> [[String: Any]] {
            try Self.ndjson(
                try Self.run(["keys", "--format", "ndjson", "--inventory", inventory] + extra, db).stdout)
        }
        let byIdle = try keys(["--unused-for", "0"])
        // Not in the inventory, never seen, then idle (longest idle first).
        #expect(byIdle.map { $0["Status"] as? String } == ["not-in-inventory", "never-seen", "idle"])
        let byKey = try keys(["--sort", "key"]).compactMap { $0["AccessKeyId"] as? String }
        #expect(byKey == byKey.sorted())
        let byUse = try keys(["--sort", "last-used"]).compactMap { $0["AccessKeyId"] as? String }
        #expect(byUse == [Self.other, Self.key, "LTAI5tNeverSeenKey000001"])
        #expect(
            try keys(["--status", "never-seen"]).map { $0["AccessKeyId"] as? String } == ["LTAI5tNeverSeenKey000001"])
        #expect(try keys(["--user", "user-2"]).map { $0["AccessKeyId"] as? String } == [Self.other])
        #expect(try keys(["--account", "1234567890123401"]).map { $0["AccessKeyId"] as? String } == [Self.key])
        let bad = try Self.run(["keys", "--status", "idel"], db)
        #expect(bad.status == 2 && bad.stderr.contains("got 'idel'; did you mean 'idle'?"), "\(bad.stderr)")
    }

    @Test func optionsBeforeTheCommandAndHelpAsAValue() throws {
        let dir = TemporaryDirectory()
        let db = try Self.archive(dir)
        let after = try Self.run(["products", Self.key, "--format", "ndjson"], db)
        let before = try Binary.run(
            "keytrail", ["--db", db, "--as-of=latest", "--format", "ndjson", "products", Self.key])
        #expect(before.status == 0 && before.stdout == after.stdout, "\(before.stderr)")
        // -h as the value of an option is that value (a token, here), not a request for help.
        let token = try Self.run(["events", Self.key, "--service", "Ecs", "--next-token", "-h"], db)
        #expect(token.status == 1 && token.stderr.contains("NextToken"), "\(token.stderr)")
        let help = try Self.run(["events", Self.key, "--service", "Ecs", "-h"], db)
        #expect(help.status == 0 && help.stdout.hasPrefix("keytrail events — "))
        let format = try Self.run(["events", Self.key, "--service", "Ecs", "--format", "yaml"], db)
        #expect(format.status == 2 && format.stderr.contains("--format must be json, table, csv or ndjson, got 'yaml'"))
    }
}
