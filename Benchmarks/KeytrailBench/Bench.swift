@preconcurrency import Glibc
import KeytrailPOSIX
import KeytrailScan
import KeytrailSynth

/// One measured figure: median and min of several runs.
struct Figure {
    var name: String
    var median: Double
    var min: Double
    var unit: String
    var extra: [(String, Double)] = []
}

/// A benchmark run: the corpus, the indexes built from it, and the figures the cases measured.
final class Bench {
    let config: BenchConfig
    let keytrail: String
    var figures: [Figure] = []
    /// Set once the corpus is on disk (`run`).
    var corpus = Corpus.Info(plainBytes: 0, gzipBytes: 0)
    /// Indexes built by the ingest cases, by corpus kind, with the seconds their ingest took.
    var indexes: [String: (path: String, seconds: Double)] = [:]
    private var memory: [[UInt8]]?

    init(config: BenchConfig, needsExecutable: Bool) throws {
        self.config = config
        keytrail = Process.siblingExecutable("keytrail")
        guard !needsExecutable || access(keytrail, X_OK) == 0 else {
            throw BenchError("\(keytrail) not found: build it first (swift build -c release)")
        }
    }

    func run(_ cases: [BenchCase]) throws {
        let dir = config.corpusDir
        corpus = try Corpus.prepare(dir: dir, events: config.events)
        print(
            "corpus: \(config.events) events, plain \(mb(corpus.plainBytes)) MB, gzip \(mb(corpus.gzipBytes)) MB in \(dir)"
        )
        print("machine: \(Machine.description)")
        print("cases: \(cases.map(\.name).joined(separator: " "))")
        for c in cases { try c.run(self) }
        report()
    }

    /// The plain corpus files, read into memory once.
    func memoryCorpus() throws -> [[UInt8]] {
        if let memory { return memory }
        var files: [[UInt8]] = []
        for f in try Corpus.files(config.corpusDir + "/plain") {
            do {
                files.append(try POSIX.readFile(f))
            } catch {
                throw BenchError("cannot read \(f): \(error)")
            }
        }
        memory = files
        return files
    }

    /// An index of the corpus: the gzip ingest's when it ran, else the plain one's, else one built now.
    func index() throws -> String {
        if let built = indexes["gzip"] ?? indexes["plain"] { return built.path }
        return try buildIndex("gzip").path
    }

    /// Ingests the `kind` corpus into a fresh index, once; its peak RSS in MB.
    @discardableResult
    func buildIndex(_ kind: String) throws -> (path: String, seconds: Double, rssMB: Double) {
        let path = config.corpusDir + "/bench-\(kind).sqlite"
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        let r = try Process.run(keytrail, ["ingest", "--quiet", "--db", path, config.corpusDir + "/" + kind])
        guard r.status == 0 else { throw BenchError("ingest \(kind) failed with status \(r.status)") }
        indexes[kind] = (path, r.seconds)
        return (path, r.seconds, r.maxRSSKiB / 1024)
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

    /// Times `body` (which returns seconds) after one warm-up: median, min and max.
    func measure(runs: Int, _ body: () throws -> Double) throws -> (median: Double, min: Double, max: Double) {
        _ = try body()
        var t: [Double] = []
        for _ in 0..<runs { t.append(try body()) }
        t.sort()
        return (t[t.count / 2], t[0], t[t.count - 1])
    }

    /// A throughput figure in MB/s for `bytes` processed in each timed run.
    func throughput(
        _ name: String, bytes: Int, _ t: (median: Double, min: Double, max: Double), extra: [(String, Double)] = []
    ) -> Figure {
        Figure(
            name: name, median: Double(bytes) / 1e6 / t.median, min: Double(bytes) / 1e6 / t.min, unit: "MB/s",
            extra: extra)
    }

    func mb(_ b: Int) -> String { JSONOutput.formatDecimal(Double(b) / 1e6, digits: 1) }
    func fmt(_ v: Double) -> String { JSONOutput.formatDecimal(v, digits: v >= 100 ? 0 : 2) }
    func pad(_ s: String, _ n: Int) -> String { s.padding(n) }
}

extension String {
    /// The string and at least one space, padded to `n` characters.
    func padding(_ n: Int) -> String {
        count >= n ? self + " " : self + String(repeating: " ", count: n - count)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
