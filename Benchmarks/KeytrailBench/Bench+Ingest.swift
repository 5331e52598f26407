import KeytrailPOSIX
import KeytrailStore

extension Bench {
    /// `keytrail ingest` of the `kind` corpus into a fresh index, end to end (process, read,
    /// scan, reduce, SQLite). Throughput counts JSON bytes (as DuckDB's figures do), so plain and
    /// gzip compare; `dims rows/s` sits beside the `sqlite-floor` case's rows/s.
    func ingest(_ kind: String) throws {
        var rss: [Double] = []
        var path = ""
        let t = try measure(runs: config.runs) {
            let built = try buildIndex(kind)
            rss.append(built.rssMB)
            path = built.path
            return built.seconds
        }
        indexes[kind] = (path, t.median)
        let rows = try Self.dimsRows(path)
        figures.append(
            throughput(
                "ingest \(kind)", bytes: corpus.plainBytes, t,
                extra: [
                    ("seconds", t.median), ("events/s", Double(config.events) / t.median),
                    ("dims rows/s", Double(rows) / t.median), ("peak RSS MB", rss.max() ?? 0),
                ]))
    }

    /// Re-ingest of the unchanged gzip archive: the manifest answers without reading.
    func reingest() throws {
        if indexes["gzip"] == nil { try buildIndex("gzip") }
        let first = indexes["gzip"]!
        let again = try measure(runs: config.runs) {
            let r = try Process.run(keytrail, ["ingest", "--quiet", "--db", first.path, config.corpusDir + "/gzip"])
            return r.seconds
        }
        figures.append(
            Figure(
                name: "re-ingest unchanged (gzip)", median: again.median * 1000, min: again.min * 1000, unit: "ms",
                extra: [("% of first ingest", 100 * again.median / first.seconds)]))
    }

    /// The index's size, and how much of it each table and index takes (SQLite's dbstat).
    func indexSize() throws {
        let db = try index()
        let size = Double(FileStatus(path: db)?.size ?? 0) / 1e6
        var extra: [(String, Double)] = []
        let d = try Database(path: db, readOnly: true)
        if let q = try? d.prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC") {
            while extra.count < 6, try q.step() { extra.append(("\(q.text(0)) MB", Double(q.int64(1)) / 1e6)) }
        }
        figures.append(
            Figure(
                name: "index size", median: size, min: size, unit: "MB",
                extra: extra))
    }

    /// The number of `dims` rows of an index.
    static func dimsRows(_ path: String) throws -> Int64 {
        let d = try Database(path: path, readOnly: true)
        let q = try d.prepare("SELECT count(*) FROM dims")
        return try q.step() ? q.int64(0) : 0
    }
}
