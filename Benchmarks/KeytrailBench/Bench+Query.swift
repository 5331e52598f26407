import KeytrailPOSIX
import KeytrailQuery
import KeytrailStore
import KeytrailSynth

extension Bench {
    /// In-process point lookups, hits and misses: the index alone (SQLite, prepared statement),
    /// the full answer (window, catalog, order), and the answer encoded as the API's JSON.
    func lookups() throws {
        let reader = try IndexReader(path: try index())
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
                let t0 = Clock.monotonicSeconds()
                switch stage {
                case "index lookup":
                    found += try reader.products(key: key).count
                case "answer":
                    found += try query.answer(key: key, window: window).products.count
                default:
                    found += try query.answer(key: key, window: window).json(requestId: "R", pretty: true).utf8.count
                }
                samples.append(Clock.monotonicSeconds() - t0)
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

    /// In-process sibling answers (through APIService, as the CLI and the server): Info, and a
    /// first page of 20 of Events, Ips and Resources for a used (key, service).
    func siblings() throws {
        let service = try APIService(dbPath: try index(), catalog: ServiceCatalog(), asOf: .latest, days: 400)
        let factory = EventFactory.benchmark(seed: 1)
        for action in [APIAction.info, .events, .ips, .resources] {
            var rng = SplitMix(seed: 7)
            var samples: [Double] = []
            for _ in 0..<max(100, config.lookups / 10) {
                let p = [
                    "AccessKey": factory.keys[rng.below(factory.keys.count)],
                    "ServiceName": factory.services[rng.below(factory.services.count)],
                ]
                let t0 = Clock.monotonicSeconds()
                let r = service.answer(action, p, requestId: "R")
                samples.append(Clock.monotonicSeconds() - t0)
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
    func cliAnswers() throws {
        let db = try index()
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
}
