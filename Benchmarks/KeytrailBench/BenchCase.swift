/// One named benchmark: what it measures, and the code that measures it.
struct BenchCase: Sendable {
    /// The name `--filter` matches and `--list` prints.
    var name: String
    /// One line for `--list`.
    var summary: String
    /// Whether it runs the `keytrail` executable beside this one (and so needs it built).
    var needsExecutable = false
    /// Measures, appending its figures to the bench.
    var run: @Sendable (Bench) throws -> Void

    /// Every case, in the order they run. Floors and peers sit next to what they bound.
    static let all: [BenchCase] = [
        BenchCase(name: "read-floor", summary: "floor: read every plain file from disk and count `{` bytes") {
            try $0.readFloor()
        },
        BenchCase(name: "scan", summary: "in-process scanner on the corpus in memory, beside a raw byte-scan floor") {
            try $0.scan()
        },
        BenchCase(
            name: "frame", summary: "in-process framing, extraction and per-file reduce (KeytrailExtract), no SQLite"
        ) { try $0.frame() },
        BenchCase(name: "ingest-plain", summary: "keytrail ingest of the plain corpus", needsExecutable: true) {
            try $0.ingest("plain")
        },
        BenchCase(name: "ingest-gzip", summary: "keytrail ingest of the gzip corpus", needsExecutable: true) {
            try $0.ingest("gzip")
        },
        BenchCase(
            name: "sqlite-floor",
            summary: "floor: the plain C loop, prepared INSERT of dims-shaped rows in one transaction"
        ) { try $0.sqliteFloor() },
        BenchCase(
            name: "reingest", summary: "ingest of the unchanged gzip corpus (the manifest answers)",
            needsExecutable: true
        ) { try $0.reingest() },
        BenchCase(name: "index-size", summary: "the index's size, per table and index", needsExecutable: true) {
            try $0.indexSize()
        },
        BenchCase(
            name: "lookup", summary: "in-process products lookups: index, answer, answer + JSON",
            needsExecutable: true
        ) { try $0.lookups() },
        BenchCase(
            name: "siblings", summary: "in-process Info, Events, Ips and Resources answers", needsExecutable: true
        ) { try $0.siblings() },
        BenchCase(name: "cli", summary: "the CLI's one-key answer, end to end", needsExecutable: true) {
            try $0.cliAnswers()
        },
    ]

    /// The cases whose name contains one of `filters` (all cases when there is none).
    static func selected(by filters: [String]) -> [BenchCase] {
        guard !filters.isEmpty else { return all }
        return all.filter { c in filters.contains { c.name.contains($0) } }
    }
}
