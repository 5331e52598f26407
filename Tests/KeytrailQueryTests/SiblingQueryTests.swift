import Foundation
import KeytrailIngest
import KeytrailQuery
import KeytrailStore
import KeytrailSynth
import TestSupport
import Testing

/// Info, Events, Ips and Resources through `APIService` (the command line's and the server's
/// path) on a generated archive, against a reference model built with Foundation's JSON parser.
@Suite("Sibling operations")
struct SiblingQueryTests {
    static let end: Int64 = 1_790_000_000_000

    final class Fixture {
        let dir = TemporaryDirectory()
        var records: [SynthRecord] = []
        var db: String { dir.file("i.sqlite") }

        init(seed: UInt64, events: Int = 1500, keys: Int = 4) throws {
            let factory = EventFactory(keyCount: keys, serviceCount: 3, detailBytes: 300, seed: seed)
            var got: [SynthRecord] = []
            try SynthArchive.writeOSS(
                to: dir.file("in"), events: events, factory: factory, perFile: 100, gzip: false,
                end: SiblingQueryTests.end,
                spanDays: 300, seed: seed, record: { got.append($0) })
            records = got
            try ingest([dir.file("in")])
        }

        func ingest(_ paths: [String]) throws {
            var options = IngestOptions(databasePath: db, until: nil, jobs: 2)
            // A child another test forks in this process holds a copy of the last ingest's lock
            // descriptor until it execs: wait for it rather than fail as busy.
            options.waitForLock = true
            _ = try Ingester(options: options).run(paths: paths.map { Array($0.utf8) })
        }

        func service() throws -> APIService {
            try APIService(dbPath: db, catalog: ServiceCatalog(), asOf: .latest, days: 400)
        }
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    static let lists: [(APIAction, Int, String)] = [
        (.events, 1, "Events"), (.ips, 2, "Ips"), (.resources, 3, "Resources"),
    ]

    /// Pages through a listing; returns its rows as (name, sub, ts, detail).
    static func page(
        _ s: APIService, _ action: APIAction, _ list: String, key: String, service: String, size: Int,
        between: () throws -> Void = {}
    ) throws -> [(String, String, Int64, String)] {
        var out: [(String, String, Int64, String)] = []
        var token = ""
        repeat {
            let r = s.answer(
                action, ["AccessKey": key, "ServiceName": service, "PageSize": String(size), "NextToken": token],
                requestId: "R")
            #expect(r.status == 200, "\(r.body)")
            let body = try json(r.body)
            let rows = try #require(body[list] as? [[String: Any]])
            #expect(rows.count <= size)
            for row in rows {
                let name = (row["EventName"] ?? row["Ip"] ?? row["ResourceType"]) as? String ?? "?"
                out.append(
                    (
                        name, row["ResourceName"] as? String ?? "", row["UsedTimestamp"] as? Int64 ?? -1,
                        row["Detail"] as? String ?? ""
                    ))
            }
            token = body["NextToken"] as? String ?? ""
            try between()
        } while !token.isEmpty
        return out
    }

    @Test(arguments: [21, 22])
    func everyListingEqualsTheModelAtEveryPageSize(seed: UInt64) throws {
        let f = try Fixture(seed: seed)
        let model = ReferenceDimensions(f.records)
        let asOf = f.records.map(\.timestamp).max()!
        let start = asOf - 400 * 86_400_000
        let s = try f.service()
        var rng = SeededRandom(seed: seed)
        var checked = 0
        for (key, rows) in model.latest {
            for service in Set(rows.keys.map(\.service)) {
                for (action, kind, list) in Self.lists {
                    let want = rows.filter { $0.key.kind == kind && $0.key.service == service }
                        .filter { $0.value.timestamp >= start && $0.value.timestamp <= asOf }
                        .sorted { a, b in
                            a.value.timestamp != b.value.timestamp
                                ? a.value.timestamp > b.value.timestamp
                                : (Array(a.key.name.utf8), Array(a.key.sub.utf8))
                                    < (Array(b.key.name.utf8), Array(b.key.sub.utf8))
                        }
                        .map {
                            (
                                $0.key.name, $0.key.sub, $0.value.timestamp,
                                String(decoding: $0.value.detail, as: UTF8.self)
                            )
                        }
                    let size = [1, 2, 3, 7, 20, 100][rng.below(6)]
                    let got = try Self.page(s, action, list, key: key, service: service, size: size)
                    #expect(got.map(\.0) == want.map(\.0), "seed \(seed) \(key) \(service) \(list) size \(size)")
                    #expect(got.map(\.1) == want.map(\.1))
                    #expect(got.map(\.2) == want.map(\.2))
                    #expect(got.map(\.3) == want.map(\.3))
                    checked += got.count
                }
            }
        }
        #expect(checked > 200)
    }

    @Test func infoIsTheLatestEventWithItsPrincipal() throws {
        let f = try Fixture(seed: 23)
        let s = try f.service()
        let key = f.records.compactMap(\.accessKeyId).first!
        let latest = f.records.filter { $0.accessKeyId == key }.max {
            ($0.timestamp, Array($0.eventId.utf8), $0.detail) < ($1.timestamp, Array($1.eventId.utf8), $1.detail)
        }!
        let body = try Self.json(s.answer(.info, ["AccessKey": key], requestId: "R").body)
        #expect(body["AccessKeyId"] as? String == key)
        #expect(body["UsedTimestamp"] as? Int64 == latest.timestamp)
        #expect(body["ServiceName"] as? String == latest.serviceName)
        #expect(body["Detail"] as? String == String(decoding: latest.detail, as: UTF8.self))
        let event = try #require(try JSONSerialization.jsonObject(with: Data(latest.detail)) as? [String: Any])
        let who = try #require(event["userIdentity"] as? [String: Any])
        #expect(body["AccountId"] as? String == who["accountId"] as? String)
        #expect(body["OwnerId"] as? String == who["principalId"] as? String)
        #expect(body["AccountType"] as? String == who["type"] as? String)
        #expect(body["UserName"] as? String == who["userName"] as? String)
        // A key never seen: RequestId and AccessKeyId only.
        let unknown = try Self.json(s.answer(.info, ["AccessKey": "LTAI5tNEVERSEEN"], requestId: "R").body)
        #expect(Set(unknown.keys) == ["RequestId", "AccessKeyId"])
    }

    @Test func badParametersAndTamperedTokensAreInvalidQueryParameter() throws {
        let f = try Fixture(seed: 24, events: 400, keys: 1)
        let s = try f.service()
        let key = f.records.compactMap(\.accessKeyId).first!
        let service = f.records.first { $0.accessKeyId == key }!.serviceName
        func call(_ p: [String: String]) -> APIResult {
            var q = ["AccessKey": key, "ServiceName": service]
            q.merge(p) { $1 }
            return s.answer(.resources, q, requestId: "R")
        }
        for size in ["101", "-1", "abc", "1.5", " 5", "+5", "1000"] {
            #expect(call(["PageSize": size]).code == "InvalidQueryParameter", "PageSize \(size)")
        }
        for size in ["", "0"] {
            let r = call(["PageSize": size])
            #expect(r.status == 200)
            #expect(try #require(Self.json(r.body)["Resources"] as? [Any]).count == 20)
        }
        #expect(call(["ServiceName": ""]).code == "InvalidQueryParameter")
        #expect(s.answer(.events, ["AccessKey": key], requestId: "R").code == "InvalidQueryParameter")
        #expect(call(["AccessKey": "bad key"]).code == "InvalidQueryParameter")
        let first = try Self.json(call(["PageSize": "2"]).body)
        let token = try #require(first["NextToken"] as? String)
        #expect(!token.isEmpty)
        #expect(call(["PageSize": "2", "NextToken": token]).status == 200)
        // Every single-character change of the token is refused.
        var chars = Array(token)
        for i in chars.indices {
            let saved = chars[i]
            chars[i] = saved == "A" ? "B" : "A"
            #expect(call(["NextToken": String(chars)]).code == "InvalidQueryParameter", "position \(i)")
            chars[i] = saved
        }
        #expect(call(["NextToken": token + "A"]).code == "InvalidQueryParameter")
        #expect(call(["NextToken": "not a token"]).code == "InvalidQueryParameter")
        // A token answers only its own listing.
        #expect(
            s.answer(.events, ["AccessKey": key, "ServiceName": service, "NextToken": token], requestId: "R").code
                == "InvalidQueryParameter")
        #expect(call(["ServiceName": service + "x", "NextToken": token]).code == "InvalidQueryParameter")
    }

    /// Pages read while an ingest commits between them: no row twice, every row of the first
    /// page's listing listed (including rows the ingest moved to a newer time), in the first
    /// page's order, each with its latest event.
    @Test func pagingAcrossConcurrentIngestNeverRepeatsOrSkips() throws {
        let f = try Fixture(seed: 25, events: 800, keys: 2)
        let key = f.records.compactMap(\.accessKeyId).first!
        let service = f.records.first { $0.accessKeyId == key }!.serviceName
        let s = try f.service()
        let before = try Self.page(s, .resources, "Resources", key: key, service: service, size: 100)
        #expect(before.count > 10)
        // Older events (a backfill) and new resources arrive between pages.
        let factory = EventFactory(keyCount: 2, serviceCount: 3, detailBytes: 300, seed: 25)
        var batch = 0
        let got = try Self.page(s, .resources, "Resources", key: key, service: service, size: 3) {
            batch += 1
            try SynthArchive.writeOSS(
                to: f.dir.file("more-\(batch)"), events: 200, factory: factory, perFile: 100, gzip: false,
                end: Self.end - 10 * 86_400_000, spanDays: 60, seed: 100 + UInt64(batch))
            try f.ingest([f.dir.file("more-\(batch)")])
        }
        #expect(batch > 3)
        let names = got.map { "\($0.0)|\($0.1)" }
        #expect(Set(names).count == names.count, "a row was listed twice")
        let after = try Self.page(s, .resources, "Resources", key: key, service: service, size: 100)
        let now = Dictionary(after.map { ("\($0.0)|\($0.1)", $0.2) }) { a, _ in a }
        let moved = before.filter { now["\($0.0)|\($0.1)"] != $0.2 }
        #expect(moved.count > 3, "the ingest moved rows")
        #expect(Array(names.prefix(before.count)) == before.map { "\($0.0)|\($0.1)" }, "a row was skipped or moved")
        // Rows show their latest event when read, wherever the first page placed them.
        #expect(zip(got, before).allSatisfy { $0.2 >= $1.2 })
        #expect(zip(got, before).contains { $0.2 > $1.2 })
        #expect(after.map(\.2) != before.map(\.2), "the ingest changed the listing")
    }

    /// A token whose generation's moved rows were forgotten (older than a day) is refused as
    /// expired, not answered with a possibly skipping page; the same question gives the same token.
    @Test func tokensOlderThanTheKeptHistoryExpire() throws {
        let f = try Fixture(seed: 26, events: 600, keys: 1)
        let key = f.records.compactMap(\.accessKeyId).first!
        let service = f.records.first { $0.accessKeyId == key }!.serviceName
        let s = try f.service()
        let p = ["AccessKey": key, "ServiceName": service, "PageSize": "2"]
        let token = try #require(try Self.json(s.answer(.ips, p, requestId: "A").body)["NextToken"] as? String)
        let again = try #require(try Self.json(s.answer(.ips, p, requestId: "B").body)["NextToken"] as? String)
        #expect(token == again && !token.isEmpty)
        // Ingests move rows (history is written), then the history ages past a day and the next
        // commit forgets it.
        let factory = EventFactory(keyCount: 1, serviceCount: 3, detailBytes: 300, seed: 26)
        try SynthArchive.writeOSS(
            to: f.dir.file("more"), events: 300, factory: factory, perFile: 100, gzip: false, end: Self.end,
            spanDays: 5, seed: 77)
        try f.ingest([f.dir.file("more")])
        var next = p
        next["NextToken"] = token
        #expect(s.answer(.ips, next, requestId: "C").status == 200)
        let db = try Database(path: f.db)
        try db.execute("UPDATE dims_history SET at = at - 2 * 86400000")
        try SynthArchive.writeOSS(
            to: f.dir.file("more2"), events: 10, factory: factory, perFile: 10, gzip: false,
            end: Self.end - 900 * 86_400_000,
            spanDays: 1, seed: 78)
        try f.ingest([f.dir.file("more2")])
        let expired = s.answer(.ips, next, requestId: "D")
        #expect(expired.code == "InvalidQueryParameter" && expired.notes.first?.contains("expired") == true)
        // A fresh first page works.
        #expect(s.answer(.ips, p, requestId: "E").status == 200)
    }

    /// Names that Swift's String equality equates (NFC and NFD "Café") are ordered and paged by
    /// bytes: each is listed once.
    @Test func canonicallyEquivalentNamesAreDistinctRows() throws {
        let dir = TemporaryDirectory()
        let names = ["Caf\u{E9}", "Cafe\u{301}", "Cab"]
        let lines = names.enumerated().map { i, n in
            "{\"eventId\":\"E\(i)\",\"eventName\":\"\(n)\",\"userIdentity\":{\"accessKeyId\":\"K\"},"
                + "\"serviceName\":\"Ecs\",\"eventTime\":\"2024-05-01T00:00:00Z\"}"
        }
        try dir.write("in/a.jsonl", lines.joined(separator: "\n"))
        _ = try Ingester(options: IngestOptions(databasePath: dir.file("i.sqlite"))).run(paths: [
            Array(dir.file("in").utf8)
        ])
        let s = try APIService(dbPath: dir.file("i.sqlite"), catalog: ServiceCatalog(), asOf: .latest, days: 400)
        let got = try Self.page(s, .events, "Events", key: "K", service: "Ecs", size: 1).map(\.0)
        #expect(got.map { Array($0.utf8) } == names.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func asOfTimesOutsideYears0000To9999AreRefused() {
        #expect(AsOf(parsing: "-9223372036854775808") == nil)
        #expect(AsOf(parsing: "253402300800000") == nil)
        #expect(AsOf(parsing: "253402300799999") == .at(253_402_300_799_999))
        #expect(AsOf(parsing: "0") == nil)
    }

    /// The TIME forms: a date, the space form, epoch milliseconds; epoch seconds refused with a hint.
    @Test func timeForms() {
        #expect(AsOf.instant("2026-10-01") == 1_790_812_800_000)
        #expect(AsOf.instant("2026-10-01 12:00:00Z") == 1_790_856_000_000)
        #expect(AsOf.instant("2026-10-01T12:00:00+08:00") == 1_790_827_200_000)
        #expect(AsOf.instant("1790812800000") == 1_790_812_800_000)
        #expect(AsOf.instant("946684800000") == 946_684_800_000)
        #expect(AsOf.instant("946684799999") == nil)
        #expect(AsOf.instant("1793491200") == nil)
        #expect(AsOf.instant("2026-1-01") == nil)
        let hint = AsOf.refusal(option: "--as-of", text: "1793491200")
        #expect(hint.hasSuffix("(it looks like epoch seconds: 1793491200000 in milliseconds)"))
        #expect(AsOf.refusal(option: "--until", text: "-5").hasSuffix("(as milliseconds it falls before 2000-01-01)"))
    }
}
