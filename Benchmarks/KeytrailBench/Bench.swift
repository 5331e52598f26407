@preconcurrency import Glibc
import KeytrailQuery
import KeytrailScan
import KeytrailStore
import KeytrailSynth

/// One measured figure: median and min of several runs.
struct Figure {
    var name: String
    var median: Double
    var min: Double
    var unit: String
    var extra: [(String, Double)] = []
}

/// Runs the benchmark: corpus, floors, ingest (plain, gzip, unchanged), lookups, CLI answers.
final class Bench {
    let config: BenchConfig
    let keytrail: String
    var figures: [Figure] = []

    init(config: BenchConfig) throws {
        self.config = config
        keytrail = Process.siblingExecutable("keytrail")
        guard access(keytrail, X_OK) == 0 else {
            throw BenchError("\(keytrail) not found: build it first (swift build -c release)")
        }
    }

    func run() throws {
        let dir = config.corpusDir
        let corpus = try Corpus.prepare(dir: dir, events: config.events)
        print(
            "corpus: \(config.events) events, plain \(mb(corpus.plainBytes)) MB, gzip \(mb(corpus.gzipBytes)) MB in \(dir)"
        )
        print("machine: \(Machine.description)")

        // Floor: reading every byte and touching it once.
        let floor = try measure(runs: config.runs) { try Corpus.rawScan(dir + "/plain") }
        figures.append(
            Figure(
                name: "floor: raw byte scan, plain", median: Double(corpus.plainBytes) / 1e6 / floor.median,
                min: Double(corpus.plainBytes) / 1e6 / floor.min, unit: "MB/s"))

        var lastDB = ""
        for kind in ["plain", "gzip"] {
            // Throughput counts JSON bytes (as DuckDB's figures do), so plain and gzip compare.
            let bytes = corpus.plainBytes
            var rss: [Double] = []
            var dbPath = ""
            let t = try measure(runs: config.runs) {
                dbPath = try freshDB(kind)
                let r = try Process.run(keytrail, ["ingest", "--quiet", "--db", dbPath, dir + "/" + kind])
                guard r.status == 0 else { throw BenchError("ingest \(kind) failed with status \(r.status)") }
                rss.append(r.maxRSSKiB / 1024)
                return r.seconds
            }
            lastDB = dbPath
            figures.append(
                Figure(
                    name: "ingest \(kind)", median: Double(bytes) / 1e6 / t.median, min: Double(bytes) / 1e6 / t.min,
                    unit: "MB/s",
                    extra: [
                        ("seconds", t.median), ("events/s", Double(config.events) / t.median),
                        ("peak RSS MB", rss.max() ?? 0),
                    ]))
        }

        // Re-ingest of the unchanged archive: the manifest answers without reading.
        let first = figures.first { $0.name == "ingest gzip" }!.extra[0].1
        let again = try measure(runs: config.runs) {
            let r = try Process.run(keytrail, ["ingest", "--quiet", "--db", lastDB, dir + "/gzip"])
            return r.seconds
        }
        figures.append(
            Figure(
                name: "re-ingest unchanged (gzip)", median: again.median * 1000, min: again.min * 1000, unit: "ms",
                extra: [("% of first ingest", 100 * again.median / first)]))

        try indexSize(db: lastDB)
        try lookups(db: lastDB)
        try siblings(db: lastDB)
        try cliAnswers(db: lastDB)
        report()
    }

    /// In-process point lookups, hits and misses: the index alone (SQLite, prepared statement),
    /// the full answer (window, catalog, order), and the answer encoded as the API's JSON.
    func lookups(db: String) throws {
        let reader = try IndexReader(path: db)
        let query = ProductsQuery(reader: reader, catalog: ServiceCatalog())
        let window = try query.window(asOf: .latest, days: 400)
        let keys = EventFactory.benchmark(seed: 1).keys
        for stage in ["index lookup", "answer", "answer + JSON"] {
            var rng = SplitMix(seed: 42)
            var samples: [Double] = []
            samples.reserveCapacity(config.lookups)
            var found = 0
            for i in 0..<config.lookups {
                let key = i % 5 == 4 ? "LTAI5tMISSING\(rng.below(1_000_000))" : keys[rng.below(keys.count)]
                let t0 = Clock.now()
                switch stage {
                case "index lookup":
                    found += try reader.products(key: key).count
                case "answer":
                    found += try query.answer(key: key, window: window).products.count
                default:
                    found += try query.answer(key: key, window: window).json(requestId: "R", pretty: true).utf8.count
                }
                samples.append(Clock.now() - t0)
            }
            samples.sort()
            let total = samples.reduce(0, +)
            figures.append(
                Figure(
                    name: "\(stage) in process (80% hits)", median: samples[samples.count / 2] * 1e6,
                    min: samples[0] * 1e6, unit: "µs p50",
                    extra: [
                        ("p99 µs", samples[samples.count * 99 / 100] * 1e6),
                        ("lookups/s", Double(samples.count) / total),
                    ]))
            if found < 0 { print(found) }
        }
    }

    /// The index's size, and how much of it each table and index takes (SQLite's dbstat).
    func indexSize(db: String) throws {
        var st = stat()
        stat(db, &st)
        var extra: [(String, Double)] = []
        let d = try Database(path: db, readOnly: true)
        if let q = try? d.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC") {
            while extra.count < 6, try q.step() { extra.append(("\(q.text(0)) MB", Double(q.int64(1)) / 1e6)) }
        }
        figures.append(
            Figure(
                name: "index size", median: Double(st.st_size) / 1e6, min: Double(st.st_size) / 1e6, unit: "MB",
                extra: extra))
    }

    /// In-process sibling answers (through APIService, as the CLI and the server): Info, and a
    /// first page of 20 of Events, Ips and Resources for a used (key, service).
    func siblings(db: String) throws {
        let service = try APIService(dbPath: db, catalog: ServiceCatalog(), asOf: .latest, days: 400)
        let factory = EventFactory.benchmark(seed: 1)
        for action in [APIAction.info, .events, .ips, .resources] {
            var rng = SplitMix(seed: 7)
            var samples: [Double] = []
            for _ in 0..<max(100, config.lookups / 10) {
                let p = [
                    "AccessKey": factory.keys[rng.below(factory.keys.count)],
                    "ServiceName": factory.services[rng.below(factory.services.count)],
                ]
                let t0 = Clock.now()
                let r = service.answer(action, p, requestId: "R")
                samples.append(Clock.now() - t0)
                guard r.status == 200 else { throw BenchError("\(action) failed: \(r.body)") }
            }
            samples.sort()
            figures.append(
                Figure(
                    name: "\(action.rawValue.dropFirst(20)) answer + JSON", median: samples[samples.count / 2] * 1e6,
                    min: samples[0] * 1e6, unit: "µs p50", extra: [("p99 µs", samples[samples.count * 99 / 100] * 1e6)])
            )
        }
    }

    /// The CLI's one-key answer, end to end (process start, open, query, print).
    func cliAnswers(db: String) throws {
        let key = EventFactory.benchmark(seed: 1).keys[0]
        var times: [Double] = []
        _ = try Process.run(keytrail, ["products", key, "--db", db, "--as-of", "latest"])
        for _ in 0..<config.cliRuns {
            let r = try Process.run(keytrail, ["products", key, "--db", db, "--as-of", "latest"])
            guard r.status == 0 else { throw BenchError("products failed with status \(r.status)") }
            times.append(r.seconds)
        }
        times.sort()
        figures.append(
            Figure(name: "CLI one-key answer", median: times[times.count / 2] * 1000, min: times[0] * 1000, unit: "ms"))
    }

    func report() {
        print("")
        print(pad("benchmark", 40) + pad("median", 14) + pad("best", 14) + "unit / more")
        for f in figures {
            var line = pad(f.name, 40) + pad(fmt(f.median), 14) + pad(fmt(f.min), 14) + f.unit
            for (k, v) in f.extra { line += "  \(k) \(fmt(v))" }
            print(line)
        }
        guard let path = config.jsonPath else { return }
        var o = JSONOutput(pretty: true)
        o.beginObject()
        o.int("events", Int64(config.events))
        o.int("runs", Int64(config.runs))
        o.string("machine", Machine.description)
        o.beginArray("figures")
        for f in figures {
            o.beginObject()
            o.string("name", f.name)
            o.decimal("median", f.median)
            o.decimal("best", f.min)
            o.string("unit", f.unit)
            for (k, v) in f.extra { o.decimal(k, v) }
            o.endObject()
        }
        o.endArray()
        o.endObject()
        do {
            try SynthFiles.write(Array((o.text + "\n").utf8), to: path)
            print("figures written to \(path)")
        } catch {
            fputs("keytrail-bench: error: \(error)\n", stderr)
        }
    }

    func freshDB(_ kind: String) throws -> String {
        let path = config.corpusDir + "/bench-\(kind).sqlite"
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        return path
    }

    /// Times `body` (which returns seconds) after one warm-up: median, min and max.
    func measure(runs: Int, _ body: () throws -> Double) throws -> (median: Double, min: Double, max: Double) {
        _ = try body()
        var t: [Double] = []
        for _ in 0..<runs { t.append(try body()) }
        t.sort()
        return (t[t.count / 2], t[0], t[t.count - 1])
    }

    func mb(_ b: Int) -> String { JSONOutput.formatDecimal(Double(b) / 1e6, digits: 1) }
    func fmt(_ v: Double) -> String { JSONOutput.formatDecimal(v, digits: v >= 100 ? 0 : 2) }
    func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
