import Foundation
import KeytrailQuery
import KeytrailScan
import KeytrailStore
import TestSupport
import Testing

@Suite("Products query")
struct ProductsQueryTests {
    static let day: Int64 = 86_400_000
    static let t0: Int64 = 1_714_521_600_000

    /// An index holding `rows` (key, service, ts, source) with Detail `{"s":"<service>"}`.
    func index(_ rows: [(String, String, Int64, EventSource)]) throws -> (TemporaryDirectory, ProductsQuery) {
        let dir = TemporaryDirectory()
        let w = try IndexWriter(path: dir.file("i.sqlite"))
        try w.begin()
        for (k, s, ts, src) in rows {
            var key = k, service = s, id = "id", detail = "{\"s\":\"\(s)\"}"
            try key.withUTF8 { kb in
                try service.withUTF8 { sb in
                    try id.withUTF8 { ib in
                        try detail.withUTF8 { db in
                            try w.offerProduct(
                                key: .init(kb), service: .init(sb), timestamp: ts, eventId: .init(ib), source: src,
                                detail: .init(db))
                        }
                    }
                }
            }
            try w.noteTimestamp(ts)
        }
        try w.commit()
        return (dir, ProductsQuery(reader: try IndexReader(path: dir.file("i.sqlite")), catalog: ServiceCatalog()))
    }

    @Test func windowEdgesAreInclusive() throws {
        let asOf = Self.t0
        let (_, q) = try index([
            ("K", "Ecs", asOf, .management), ("K", "Oss", asOf - 400 * Self.day, .data),
            ("K", "Ram", asOf - 400 * Self.day - 1, .internal),
        ])
        let a = try q.answer(key: "K", window: Window(asOf: asOf, days: 400))
        #expect(a.products.map(\.serviceName) == ["Ecs", "Oss"])
        #expect(a.products.map(\.source) == [.management, .data])
        let narrow = try q.answer(key: "K", window: Window(asOf: asOf, days: 0))
        #expect(narrow.products.map(\.serviceName) == ["Ecs"])
    }

    @Test func orderIsTimeDescendingThenServiceNameBytes() throws {
        let (_, q) = try index([
            ("K", "Cms", Self.t0, .management), ("K", "CS", Self.t0, .management), ("K", "Cdn", Self.t0, .management),
            ("K", "ecs", Self.t0 - 1, .management), ("K", "Ecs", Self.t0 - 1, .management),
            ("K", "Zzz", Self.t0 + 5, .management),
        ])
        let a = try q.answer(key: "K", window: Window(asOf: Self.t0 + 10, days: 400))
        #expect(a.products.map(\.serviceName) == ["Zzz", "CS", "Cdn", "Cms", "Ecs", "ecs"])
    }

    @Test func asOfBeforeAnIndexedEventIsRefused() throws {
        let (_, q) = try index([("K", "Ecs", Self.t0, .management), ("Other", "Ecs", Self.t0 + Self.day, .management)])
        // Other keys' newer events do not matter; `latest` is the newest event of the whole index.
        #expect(try q.answer(key: "K", window: Window(asOf: Self.t0, days: 400)).products.count == 1)
        #expect(try q.window(asOf: .latest, days: 400).asOf == Self.t0 + Self.day)
        do throws(QueryError) {
            _ = try q.answer(key: "K", window: Window(asOf: Self.t0 - 1, days: 400))
            Issue.record("an as-of before the key's newest event must be refused")
        } catch {
            guard case .asOfRefused(let r) = error else {
                Issue.record("expected a refusal, got \(error)")
                return
            }
            #expect(r.description.contains("`keytrail ingest --db NEW --until 2024-04-30T23:59:59.999Z PATH...`"))
        }
    }

    @Test func hiddenProductsAreNotedWithDates() throws {
        let (_, q) = try index([("K", "Ecs", Self.t0 - 500 * Self.day, .management)])
        let a = try q.answer(key: "K", window: Window(asOf: Self.t0, days: 400))
        #expect(a.products.isEmpty)
        #expect(
            a.notes == [
                "Ecs last used \(Timestamp.format(Self.t0 - 500 * Self.day)) — outside the 400-day window ending "
                    + "\(Timestamp.format(Self.t0)); `--window-days 500` shows it"
            ])
    }

    @Test func eachHiddenProductIsNotedAlsoWhenSomeAreShown() throws {
        let (_, q) = try index([
            ("K", "Ecs", Self.t0, .management), ("K", "Kms", Self.t0 - 400 * Self.day - 1, .management),
            ("K", "Ims", Self.t0 - 450 * Self.day + 5, .management),
        ])
        let a = try q.answer(key: "K", window: Window(asOf: Self.t0, days: 400))
        #expect(a.products.map(\.serviceName) == ["Ecs"])
        #expect(a.notes.count == 2)
        #expect(a.notes[0].hasPrefix("Kms last used ") && a.notes[0].hasSuffix("`--window-days 401` shows it"))
        #expect(a.notes[1].hasPrefix("Ims last used ") && a.notes[1].hasSuffix("`--window-days 450` shows it"))
        // A window that shows everything has nothing to add.
        #expect(try q.answer(key: "K", window: Window(asOf: Self.t0, days: 450)).notes.isEmpty)
    }

    @Test func theDefaultAsOfOnAnOldArchiveNamesLatest() throws {
        let end = Self.t0 - 1000 * Self.day
        let (_, q) = try index([("K", "Ecs", end, .management), ("K", "Oss", end - 10 * Self.day, .data)])
        let now = Window(asOf: Self.t0, days: 400)
        let a = try q.answer(key: "K", window: now, asked: .now)
        #expect(a.notes.count == 3)
        #expect(a.notes[0].contains("`--as-of latest`") && a.notes[0].contains(Timestamp.format(end)))
        // A fixed as-of is the user's choice: the per-product notes only.
        #expect(try q.answer(key: "K", window: now, asked: .at(Self.t0)).notes.count == 2)
    }

    @Test func anUnknownKeyIsNotedWithTheIndexAndNearMatches() throws {
        let (_, q) = try index([
            ("LTAI5tv6QCVFimUPfpBMBSH6", "Ecs", Self.t0, .management),
            ("LTAI5tOtherKeyAAAAAAAAAA", "Ecs", Self.t0 - Self.day, .management),
        ])
        let window = Window(asOf: Self.t0, days: 400)
        let typo = try q.answer(key: "LTAI5tv6QCVFimUPfpBMBSH", window: window)
        #expect(typo.products.isEmpty)
        #expect(
            typo.notes == [
                "LTAI5tv6QCVFimUPfpBMBSH does not occur in the index (2 keys, events "
                    + "\(Timestamp.format(Self.t0 - Self.day)) .. \(Timestamp.format(Self.t0)); keys are case-sensitive); "
                    + "did you mean LTAI5tv6QCVFimUPfpBMBSH6?"
            ])
        let cased = try q.answer(key: "ltai5tv6qcvfimupfpbmbsh6", window: window)
        #expect(cased.notes.first?.hasSuffix("did you mean LTAI5tv6QCVFimUPfpBMBSH6?") == true)
        let far = try q.answer(key: "AKIAIOSFODNN7EXAMPLE", window: window)
        #expect(far.notes.count == 1 && far.notes[0].hasSuffix("keys are case-sensitive)"))
    }

    @Test func nearMatchesAreCaseOrTwoEditsAway() {
        let names = ["Ecs", "Oss", "Kms", "ActionTrail", "ecs"]
        #expect(NearMatch.suggestions(for: "ECS", among: names) == ["Ecs", "ecs"])
        #expect(NearMatch.suggestions(for: "Actiontrial", among: names) == ["ActionTrail"])
        #expect(NearMatch.suggestions(for: "Ess", among: names) == ["Ecs", "Oss", "ecs"])
        #expect(NearMatch.suggestions(for: "Ecs", among: names) == ["ecs"])
        #expect(NearMatch.suggestions(for: "Kss", among: names) == ["Kms", "Oss", "Ecs"])
        #expect(NearMatch.suggestions(for: "Vpc", among: names).isEmpty)
        #expect(NearMatch.question(["A", "B", "C"]) == "did you mean A, B or C?")
        #expect(NearMatch.question([]) == nil)
    }

    @Test func responseJSONHasTheCloudShape() throws {
        let (_, q) = try index([("K", "Ecs", Self.t0, .management)])
        let a = try q.answer(key: "K", window: Window(asOf: Self.t0, days: 400))
        let text = a.json(requestId: "R-1", pretty: true)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(obj["RequestId"] as? String == "R-1")
        let p = try #require((obj["Products"] as? [[String: Any]])?.first)
        #expect(p["UsedTimestamp"] as? Int64 == Self.t0)
        #expect(p["Detail"] as? String == "{\"s\":\"Ecs\"}")
        #expect(p["Source"] as? String == "ManagementEvent")
        #expect(p["ServiceName"] as? String == "Ecs")
        #expect(p["ServiceNameEn"] as? String == "Elastic Compute Service")
        #expect(p["ServiceNameCn"] as? String == "云服务器ECS")
        #expect(text.hasPrefix("{\n  \"RequestId\": \"R-1\",\n  \"Products\": [\n    {\n      \"UsedTimestamp\": "))
    }
}

@Suite("Service catalog, keys and request IDs")
struct CatalogAndRulesTests {
    @Test func catalogLookupExactThenCaseInsensitiveThenFallback() throws {
        let c = ServiceCatalog()
        #expect(c.names(for: "Ecs").en == "Elastic Compute Service")
        #expect(c.names(for: "ECS").en == "Elastic Compute Service")
        #expect(c.names(for: "NoSuchService") == ("NoSuchService", "NoSuchService"))
        // A row with empty names falls back per name.
        #expect(c.names(for: "AasSub") == ("AasSub", "AasSub"))
        let o = try ServiceCatalog(overrides: "serviceName\ten\tcn\nEcs\tMy ECS\t\nNew\tNew Service\t新服务\n# comment\n")
        #expect(o.names(for: "Ecs") == ("My ECS", "Ecs"))
        #expect(o.names(for: "new") == ("New Service", "新服务"))
        #expect {
            try ServiceCatalog(overrides: "OnlyName\n")
        } throws: { error in
            guard case .malformedLine(line: 1, _)? = error as? QueryError else { return false }
            return true
        }
    }

    @Test(arguments: [
        ("LTAI4Fz1ykT4qxgNMvN6****", true), ("STS.abc", true), (String(repeating: "A", count: 128), true),
        ("", false), (String(repeating: "A", count: 129), false), ("LTAI key", false), ("LTAIé", false),
        ("LTAI\t", false), ("~!@#$%^&*()", true),
    ])
    func accessKeyRules(key: String, valid: Bool) {
        let e = AccessKeyRule.check(key)
        #expect((e == nil) == valid)
        if let e { #expect(e.code == "InvalidQueryParameter" && e.httpStatus == 400) }
    }

    @Test func errorBodyHasTheCloudShape() throws {
        let body = APIError.invalidQueryParameter("x").body(requestId: "RID", pretty: false)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
        #expect(Set(obj.keys) == ["RequestId", "HostId", "Code", "Message", "Recommend"])
        #expect(obj["Code"] == "InvalidQueryParameter")
        #expect(obj["Message"] == "The specified query parameter is invalid.")
    }

    @Test func requestIdsAreFreshUpperCaseUUIDs() {
        let uuid = "^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$"
        let a = RequestID.make()
        let b = RequestID.make()
        #expect(a != b)
        #expect(a.range(of: uuid, options: .regularExpression) != nil)
        // xoshiro256**'s reference outputs from the state (1, 2, 3, 4) are 11520, 0, 1509978240,
        // 1215971899390074240: two a request ID.
        var known = RequestID.Source(state: (1, 2, 3, 4))
        #expect(known.next() == "002D0000-0000-4000-8000-000000000000")
        #expect(known.next() == "8070005A-0000-4000-809D-00000000E010")
        // A server loop's source: every ID a version 4 UUID, none twice, across loops too, and
        // each random hex digit (the version's and the variant's aside) takes 0 about 1/16 of the
        // time.
        var one = RequestID.Source()
        var two = RequestID.Source()
        var seen = Set<String>()
        var ones = [Int](repeating: 0, count: 32)
        for _ in 0..<5_000 {
            for id in [one.next(), two.next()] {
                #expect(seen.insert(id).inserted)
                for (i, c) in id.replacingOccurrences(of: "-", with: "").enumerated() where c != "0" {
                    ones[i] += 1
                }
            }
        }
        #expect(seen.allSatisfy { $0.range(of: uuid, options: .regularExpression) != nil })
        for (i, n) in ones.enumerated() where i != 12 && i != 16 {
            #expect(n > 9_000 && n < 9_900, "digit \(i): \(n) of 10000 not 0")
        }
    }

    @Test func asOfParsing() {
        #expect(AsOf(parsing: "latest") == .latest)
        #expect(AsOf(parsing: "1714521600000") == .at(1_714_521_600_000))
        #expect(AsOf(parsing: "2024-05-01T08:00:00+08:00") == .at(1_714_521_600_000))
        #expect(AsOf(parsing: "yesterday") == nil)
    }
}
