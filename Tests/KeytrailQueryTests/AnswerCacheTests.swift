import Glibc
import KeytrailScan
import TestSupport
import Testing

@testable import KeytrailQuery
@testable import KeytrailStore

@Suite("Answer cache")
struct AnswerCacheTests {
    static let day: Int64 = 86_400_000
    static let t0: Int64 = 1_790_000_000_000
    static let key = "LTAI5tCACHE0000000000000"

    /// Commits `rows` (service, time) of `key` to the index at `path` in one write transaction.
    static func commit(_ path: String, _ rows: [(String, Int64)], key: String = key) throws {
        let w = try IndexWriter(path: path)
        try w.begin()
        for (s, ts) in rows {
            var k = key, service = s, id = "E-\(s)-\(ts)", detail = "{\"s\":\"\(s)\",\"t\":\(ts)}"
            try k.withUTF8 { kb in
                try service.withUTF8 { sb in
                    try id.withUTF8 { ib in
                        try detail.withUTF8 { db in
                            try w.offerProduct(
                                key: .init(kb), service: .init(sb), timestamp: ts, eventId: .init(ib),
                                source: .management, detail: .init(db))
                        }
                    }
                }
            }
            try w.noteTimestamp(ts)
        }
        try w.commit()
    }

    /// The server's service (with `cache`) and the command line's (without one), as of `asOf`.
    static func services(
        _ cached: IndexReader, _ plain: IndexReader, cache: AnswerCache, asOf: AsOf
    ) -> (cached: APIService, computed: APIService) {
        let s = APIService(reader: cached, catalog: ServiceCatalog(), asOf: asOf, days: 400)
        s.withNotes = false
        s.answerCache = cache
        let p = APIService(reader: plain, catalog: ServiceCatalog(), asOf: asOf, days: 400)
        p.withNotes = false
        return (s, p)
    }

    /// The events a window ending at `asOf` holds, or nil where the as-of rule refuses it.
    static func held(_ timestamps: [Int64], asOf: Int64, days: Int) -> [Int64]? {
        if timestamps.contains(where: { $0 > asOf }) { return nil }
        return timestamps.filter { Window(asOf: asOf, days: days).contains($0) }.sorted()
    }

    @Test func sameEventsIsExactlyWhereTheWindowHoldsTheSameEvents() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int64) -> Int64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((seed >> 33) % UInt64(n))
        }
        for trial in 0..<400 {
            let days = [0, 1, 3, 400][trial % 4]
            let span = Int64(days) * Self.day
            let asOf = Self.t0 + next(span + 5)
            // Times around the window's edges, and now and then one after its end.
            var ts: [Int64] = []
            for _ in 0..<next(6) {
                switch next(4) {
                case 0: ts.append(asOf - span - 1 + next(3))
                case 1: ts.append(asOf - next(3))
                case 2: ts.append(asOf - next(3 * span + 3))
                default: ts.append(asOf + (trial % 7 == 0 ? 1 + next(3) : -next(span + 1)))
                }
            }
            let range = Window(asOf: asOf, days: days).sameEvents(ts)
            let base = Self.held(ts, asOf: asOf, days: days)
            #expect(range.contains(asOf) == (base != nil), "trial \(trial)")
            var probes = [asOf, range.lowerBound &- 1, range.lowerBound, range.upperBound &- 1, range.upperBound]
            for t in ts { probes += [t - 1, t, t + 1, t + span, t + span + 1, t + span + 2] }
            for p in probes where p > Int64.min / 2 && p < Int64.max / 2 {
                let same = base != nil && Self.held(ts, asOf: p, days: days) == base
                #expect(range.contains(p) == same, "trial \(trial): as-of \(p), times \(ts), range \(range)")
            }
        }
        // No events: any as-of.
        #expect(Window(asOf: Self.t0, days: 400).sameEvents([]) == Int64.min..<Int64.max)
    }

    /// An answer of `key` with one product per (service, time).
    static func answer(_ key: String, _ rows: [(String, Int64)], asOfs: Range<Int64>) -> ProductsAnswer {
        ProductsAnswer(
            accessKey: key, window: Window(asOf: t0, days: 400),
            products: rows.map {
                Product(
                    usedTimestamp: $0.1, detail: Array("{\"s\":\"\($0.0)\"}".utf8), source: .management,
                    serviceName: $0.0, serviceNameCn: "", serviceNameEn: "")
            }, notes: [], sameAsOfs: asOfs)
    }

    static func body(_ a: ProductsAnswer, _ requestId: String) -> [UInt8] {
        Answer.products(a).jsonBytes(requestId: requestId, pretty: true)
    }

    static let file = IndexCommit(device: 1, inode: 2, token: [7, 7], generation: 5)

    @Test func anAnswerIsSentAgainForItsCommitWindowAndAsOfsOnly() {
        let cache = AnswerCache(budget: 1 << 20)
        let a = Self.answer("K", [("Ecs", Self.t0)], asOfs: Self.t0..<Self.t0 + 10)
        cache.keep(a, body: Self.body(a, "R-1"), requestId: "R-1", commit: Self.file)
        let w = Window(asOf: Self.t0 + 9, days: 400)
        // Another RequestId, of another length: the body is the answer's with it.
        #expect(cache.body(key: "K", commit: Self.file, window: w, requestId: "R-22") == Self.body(a, "R-22"))
        #expect(cache.counts.hits == 1)
        var later = Self.file
        later.generation += 1
        #expect(cache.body(key: "K", commit: later, window: w, requestId: "R") == nil)
        #expect(
            cache.body(key: "K", commit: Self.file, window: Window(asOf: Self.t0 + 10, days: 400), requestId: "R")
                == nil)
        #expect(
            cache.body(key: "K", commit: Self.file, window: Window(asOf: Self.t0 - 1, days: 400), requestId: "R") == nil
        )
        #expect(cache.body(key: "K", commit: Self.file, window: Window(asOf: Self.t0, days: 30), requestId: "R") == nil)
        #expect(cache.body(key: "k", commit: Self.file, window: w, requestId: "R") == nil)
        // A RequestId JSON would escape is not spliced in.
        #expect(cache.body(key: "K", commit: Self.file, window: w, requestId: "R\"") == nil)
        #expect(cache.counts.misses == 5)

        // An answer read from an older commit of the file is not kept; one from a newer replaces all.
        let b = Self.answer("K", [("Oss", Self.t0)], asOfs: Self.t0..<Self.t0 + 10)
        var older = Self.file
        older.generation -= 1
        cache.keep(b, body: Self.body(b, "R-2"), requestId: "R-2", commit: older)
        #expect(cache.body(key: "K", commit: Self.file, window: w, requestId: "R-3") == Self.body(a, "R-3"))
        let other = Self.answer("L", [("Rds", Self.t0)], asOfs: Self.t0..<Self.t0 + 10)
        cache.keep(other, body: Self.body(other, "R-4"), requestId: "R-4", commit: later)
        #expect(cache.counts.entries == 1)
        #expect(cache.body(key: "L", commit: later, window: w, requestId: "R-5") == Self.body(other, "R-5"))
        // Another file (a first build put in place) replaces them whatever its generation.
        var replaced = Self.file
        replaced.inode = 3
        replaced.generation = 1
        cache.keep(b, body: Self.body(b, "R-6"), requestId: "R-6", commit: replaced)
        #expect(cache.body(key: "L", commit: later, window: w, requestId: "R-7") == nil)
        #expect(cache.body(key: "K", commit: replaced, window: w, requestId: "R-7") == Self.body(b, "R-7"))

        // Nothing is kept of a key without products, of a body without its RequestId, or with no budget.
        let none = Self.answer("M", [], asOfs: Int64.min..<Int64.max)
        cache.keep(none, body: Self.body(none, "R-8"), requestId: "R-8", commit: replaced)
        cache.keep(a, body: Self.body(a, "R-8"), requestId: "R-9", commit: replaced)
        #expect(cache.counts.entries == 1)
        let off = AnswerCache(budget: 0)
        off.keep(a, body: Self.body(a, "R-1"), requestId: "R-1", commit: Self.file)
        #expect(off.counts.entries == 0 && off.body(key: "K", commit: Self.file, window: w, requestId: "R") == nil)
    }

    @Test func theBudgetEvictsWhatWasNotUsedSinceTheHandPassed() {
        let answers = (1...6).map { Self.answer("K\($0)", [("Ecs", Self.t0)], asOfs: Self.t0..<Self.t0 + 1) }
        let probe = AnswerCache(budget: 1 << 20)
        probe.keep(answers[0], body: Self.body(answers[0], "R"), requestId: "R", commit: Self.file)
        let cost = probe.counts.bytes
        #expect(cost > Self.body(answers[0], "R").count)
        let cache = AnswerCache(budget: 3 * cost)
        func keep(_ i: Int) {
            cache.keep(answers[i], body: Self.body(answers[i], "R"), requestId: "R", commit: Self.file)
        }
        func kept() -> [Bool] { (1...6).map { cache.keeps("K\($0)") } }
        for i in 0..<3 { keep(i) }
        #expect(cache.counts.entries == 3 && cache.counts.bytes == 3 * cost)
        let w = Window(asOf: Self.t0, days: 400)
        #expect(cache.body(key: "K1", commit: Self.file, window: w, requestId: "R") != nil)
        // K1 was used: the hand passes it once and evicts K2; K4 takes K2's place, behind the hand.
        keep(3)
        #expect(kept() == [true, false, true, true, false, false])
        #expect(cache.counts.evictions == 1 && cache.counts.bytes == 3 * cost)
        // The hand goes on: K3 next, not K4, the newest; then, past the end, K1 (passed once already).
        keep(4)
        #expect(kept() == [true, false, false, true, true, false])
        keep(5)
        #expect(kept() == [false, false, false, true, true, true])
        #expect(cache.counts.evictions == 3 && cache.counts.entries == 3)
        // An answer bigger than the whole budget is not kept, and evicts nothing.
        let big = AnswerCache(budget: cost - 1)
        big.keep(answers[0], body: Self.body(answers[0], "R"), requestId: "R", commit: Self.file)
        #expect(big.counts.entries == 0)
    }

    /// The server's path (`APIService` with a cache) against the command line's (without one),
    /// over a real index that ingests commit to and a first build replaces.
    @Test func cachedAnswersEqualComputedOnesAcrossCommitsWindowsAndAReplacedFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        try Self.commit(path, [("Ecs", Self.t0), ("Oss", Self.t0 - 100 * Self.day)])
        let cache = AnswerCache(budget: 1 << 20)
        let cached = try IndexReader(path: path, followsIngests: true)
        let plain = try IndexReader(path: path, followsIngests: true)
        func bodies(_ asOf: Int64, _ requestId: String) -> (cached: [UInt8], computed: [UInt8]) {
            let (s, p) = Self.services(cached, plain, cache: cache, asOf: .at(asOf))
            let q = ["AccessKey": Self.key]
            return (
                s.answer(.products, q, requestId: requestId).wholeBody,
                p.answer(.products, q, requestId: requestId).wholeBody
            )
        }
        func services(_ b: [UInt8]) -> [String] {
            ["Ecs", "Oss", "Rds", "Ram"].filter {
                String(decoding: b, as: UTF8.self).contains("\"ServiceName\": \"\($0)\"")
            }
        }
        let first = bodies(Self.t0 + Self.day, "R-1")
        #expect(first.cached == first.computed && services(first.cached) == ["Ecs", "Oss"])
        #expect(cache.counts.hits == 0 && cache.counts.entries == 1)
        let again = bodies(Self.t0 + Self.day, "R-2")
        #expect(again.cached == again.computed && cache.counts.hits == 1)
        // Oss (100 days before t0) is in every 400-day window up to t0 + 300 days.
        let edge = bodies(Self.t0 + 300 * Self.day, "R-3")
        #expect(edge.cached == edge.computed && cache.counts.hits == 2)
        let past = bodies(Self.t0 + 300 * Self.day + 1, "R-4")
        #expect(past.cached == past.computed && services(past.cached) == ["Ecs"] && cache.counts.hits == 2)

        // An ingest commits: the next answer is computed from it.
        try Self.commit(path, [("Rds", Self.t0)])
        let ingested = bodies(Self.t0 + Self.day, "R-5")
        #expect(ingested.cached == ingested.computed && services(ingested.cached) == ["Ecs", "Oss", "Rds"])
        #expect(cache.counts.hits == 2)
        #expect(
            bodies(Self.t0 + Self.day, "R-6").cached
                == ingested.computed.replacing(Array("R-5".utf8), with: Array("R-6".utf8)))
        #expect(cache.counts.hits == 3)

        // A copy of the index (its token_key too) and the index each take one commit more: the
        // same generation. The copy is renamed into place.
        let next = dir.file("next.sqlite")
        #expect(copyFile(path, to: next))
        try Self.commit(path, [("Kms", Self.t0)])
        try Self.commit(next, [("Ram", Self.t0)])
        func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
        let before = bodies(Self.t0 + Self.day, "R-7")
        #expect(before.cached == before.computed && text(before.cached).contains("\"Kms\""))
        let (a, b) = (try IndexReader(path: path), try IndexReader(path: next))
        let (ca, cb) = (try a.snapshot { try a.commitRead() }, try b.snapshot { try b.commitRead() })
        #expect(ca?.generation == cb?.generation && ca?.token == cb?.token && ca?.name != cb?.name)
        #expect(rename(next, path) == 0)
        let replaced = bodies(Self.t0 + Self.day, "R-8")
        #expect(replaced.cached == replaced.computed && text(replaced.cached).contains("\"Ram\""))
        #expect(!text(replaced.cached).contains("\"Kms\""))
        #expect(cache.counts.hits == 3)
    }

    /// A byte copy of the file at `from` (an index at rest is one file).
    func copyFile(_ from: String, to: String) -> Bool {
        guard let f = fopen(from, "rb"), let t = fopen(to, "wb") else { return false }
        defer {
            fclose(f)
            fclose(t)
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n == 0 { return ferror(f) == 0 }
            guard fwrite(buffer, 1, n, t) == n else { return false }
        }
    }

    @Test func withTheAsOfNowAnAnswerIsSentAgainWhileItsEventsStayInTheWindow() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        let now = AsOf.currentMillis()
        try Self.commit(path, [("Ecs", now - Self.day), ("Oss", now - 2 * Self.day)])
        let cache = AnswerCache(budget: 1 << 20)
        let (s, p) = Self.services(try IndexReader(path: path), try IndexReader(path: path), cache: cache, asOf: .now)
        let q = ["AccessKey": Self.key]
        let first = s.answer(.products, q, requestId: "R-1")
        #expect(first.status == 200 && first.wholeBody == p.answer(.products, q, requestId: "R-1").wholeBody)
        let again = s.answer(.products, q, requestId: "R-2")
        #expect(again.wholeBody == p.answer(.products, q, requestId: "R-2").wholeBody)
        #expect(cache.counts.hits == 1 && cache.counts.entries == 1)
    }

    @Test func infoAnswersAreKeptBesideProductsAndEqualComputedOnes() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("i.sqlite")
        try Self.commit(path, [("Ecs", Self.t0), ("Oss", Self.t0 - 100 * Self.day)])
        let cache = AnswerCache(budget: 1 << 20)
        let (cached, plain) = (try IndexReader(path: path), try IndexReader(path: path))
        func answers(_ action: APIAction, _ asOf: Int64, _ requestId: String) -> (
            cached: APIResult, computed: APIResult
        ) {
            let (s, p) = Self.services(cached, plain, cache: cache, asOf: .at(asOf))
            let q = ["AccessKey": Self.key]
            return (s.answer(action, q, requestId: requestId), p.answer(action, q, requestId: requestId))
        }
        let first = answers(.info, Self.t0 + Self.day, "R-1")
        #expect(first.cached.status == 200 && first.cached.wholeBody == first.computed.wholeBody)
        #expect(String(decoding: first.cached.wholeBody, as: UTF8.self).contains("\"Ecs\""))
        let again = answers(.info, Self.t0 + Self.day, "R-2")
        #expect(again.cached.wholeBody == again.computed.wholeBody && cache.counts.hits == 1)
        // Products for the same key is an answer of its own.
        let products = answers(.products, Self.t0 + Self.day, "R-3")
        #expect(products.cached.wholeBody == products.computed.wholeBody && cache.counts.hits == 1)
        #expect(cache.keeps(Self.key, .info) && cache.keeps(Self.key, .products) && cache.counts.entries == 2)
        // A later event of the key: Info names it.
        try Self.commit(path, [("Rds", Self.t0 + 1)])
        let after = answers(.info, Self.t0 + Self.day, "R-4")
        #expect(after.cached.wholeBody == after.computed.wholeBody && cache.counts.hits == 1)
        #expect(String(decoding: after.cached.wholeBody, as: UTF8.self).contains("\"Rds\""))
        // A window with nothing in it: the (empty) answer is computed each time, never kept.
        let empty = answers(.info, Self.t0 + 1000 * Self.day, "R-5")
        #expect(empty.cached.wholeBody == empty.computed.wholeBody)
        #expect(
            answers(.info, Self.t0 + 1000 * Self.day, "R-6").cached.wholeBody
                == answers(.info, Self.t0 + 1000 * Self.day, "R-6").computed.wholeBody)
        #expect(cache.counts.hits == 1 && cache.counts.entries == 1)
    }
}
