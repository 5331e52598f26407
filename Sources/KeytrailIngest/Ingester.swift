import Dispatch
@preconcurrency import Glibc
import KeytrailStore
import Synchronization

/// How an ingest runs.
package struct IngestOptions: Sendable {
    /// The index file.
    package var databasePath: String
    /// Skip events after this time (epoch ms): a point-in-time index.
    package var until: Int64?
    /// Parallel file workers (default: online CPUs).
    package var jobs: Int
    /// Files larger than this are read and framed in windows, so memory holds the longest JSON
    /// line (or, for a document, the document) rather than the file. Standard input always is.
    package var streamAbove = 64 << 20
    /// Bytes per read when streaming.
    package var streamChunk = 4 << 20
    /// Wait for another ingest of the same index to finish instead of failing at once.
    package var waitForLock = false
    /// Commit after this many files (one transaction per batch).
    package var batchFiles = 1000
    /// Commit when the batch holds this many (key, service) pairs (about 100 bytes of memory each).
    package var batchEntries = 4_000_000
    /// Commit when the spill files hold this many bytes (disk beside the index).
    package var batchSpillBytes = 8 << 30
    /// Keep the sibling rows (events, IPs, resources)? nil: the index's setting (yes for a new
    /// one). false (`--products-only`) builds an index for Products and Info only, smaller and
    /// faster to build.
    package var siblings: Bool?

    /// Options for the index at `databasePath`.
    package init(databasePath: String, until: Int64? = nil, jobs: Int? = nil) {
        self.databasePath = databasePath
        self.until = until
        self.jobs = max(1, jobs ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }
}

/// Progress of a running ingest, for a terminal status line.
package struct IngestProgress: Sendable {
    /// Files handled so far.
    package var filesDone: Int
    /// Files to handle.
    package var filesTotal: Int
    /// Events read so far.
    package var events: Int
    /// Raw bytes read so far.
    package var bytes: Int
    /// Seconds since the start.
    package var seconds: Double
}

/// Streams input files into the index: discover → read → frame → scan → reduce → commit.
package final class Ingester {
    let options: IngestOptions
    let lock: IngestLock
    let writer: IndexWriter
    let until: Int64
    /// Reused for reading Details back from spill files.
    /// Seconds spent reading and parsing (waves) and committing, for `KEYTRAIL_TRACE=1`.
    var phase = (parse: 0.0, commit: 0.0, commits: 0)
    /// Whether this index keeps sibling rows.
    let siblings: Bool
    /// Compresses the commit's Details on every core.
    let packer: DetailPacker

    /// Opens (creating when missing) the index; the index exists before any input is read.
    package init(options: IngestOptions) throws {
        self.options = options
        try IndexWriter.checkWritable(options.databasePath)
        lock = try IngestLock(databasePath: options.databasePath, wait: options.waitForLock)
        do {
            writer = try IndexWriter(path: options.databasePath)
        } catch let e as SQLiteError {
            throw IngestError("cannot write the index \(options.databasePath): \(e); nothing was read")
        }
        until = options.until ?? IndexWriter.noUntil
        siblings = try writer.siblings(requested: options.siblings)
        packer = DetailPacker(threads: options.jobs)
    }

    /// Said once when this ingest upgraded a v1 index: its sibling rows cover only what is read from now on.
    package var upgradeNote: String? {
        guard writer.upgradedFrom == 1 else { return nil }
        return "\(options.databasePath) was upgraded from index version 1: its products were kept, but the "
            + "events/IPs/resources rows cover only the files read from now on; ingest the whole archive again "
            + "to fill them (files already indexed are read again once)"
    }

    /// Ingests `paths` (files, directories, `-`), committing per batch of files.
    package func run(paths: [[UInt8]], progress: ((IngestProgress) -> Void)? = nil) throws -> IngestReport {
        let start = Self.now()
        var report = IngestReport()
        let db = Array(options.databasePath.utf8)
        let walker = FileWalker(
            paths: paths, exclude: ["", "-wal", "-shm", "-journal", ".lock"].map { db + Array($0.utf8) })
        report.rejections += walker.rejections
        report.filesRejected += walker.rejections.count
        report.unitsRejected += walker.rejections.count
        let items = walker.items
        report.filesSeen = items.count + walker.rejections.count
        let known = KnownContent()
        let directory = IndexWriter.directory(of: options.databasePath)
        let shared = SharedTable(spills: try (0..<options.jobs).map { _ in try SpillFile(directory: directory) })
        var batch = Batch()
        let processors = (0..<options.jobs).map { _ in FileProcessor(until: until, siblings: siblings) }
        let waveSize = options.jobs * 4
        var done = 0
        var index = 0
        while index < items.count {
            // Main thread: skip files the manifest already holds, by path, size and mtime.
            var tasks: [InputItem] = []
            while index < items.count && tasks.count < waveSize {
                let item = items[index]
                index += 1
                if !item.isStdin, let st = Self.fileStat(item.path),
                    let entry = try writer.manifestEntry(path: item.absolute, until: until),
                    entry.size == st.size && entry.mtimeNanos == st.mtimeNanos
                {
                    report.filesUnchanged += 1
                    done += 1
                    continue
                }
                tasks.append(item)
            }
            // Workers: read, checksum, skip copies, parse, reduce.
            try known.load(from: writer, until: until)
            let tParse = Self.now()
            let outcomes = Self.parallel(
                tasks, processors: processors, known: known, shared: shared,
                streaming: Streaming(above: options.streamAbove, chunk: options.streamChunk))
            phase.parse += Self.now() - tParse
            // Main thread: merge into the batch, in file order; copies after their originals.
            for o in outcomes where !o.isCopy { absorb(o, into: &batch, report: &report, known: known) }
            for o in outcomes where o.isCopy { absorb(o, into: &batch, report: &report, known: known) }
            done += tasks.count
            if let failure = outcomes.lazy.compactMap(\.failure).first { throw IngestError(failure) }
            let (held, spilled) = shared.withLock { s in (s.table.count, s.spills.reduce(0) { $0 + $1.size }) }
            if batch.files >= options.batchFiles || held >= options.batchEntries || spilled >= options.batchSpillBytes {
                try commit(&batch, shared)
            }
            progress?(
                IngestProgress(
                    filesDone: done, filesTotal: items.count, events: report.events.read, bytes: report.bytesRead,
                    seconds: Self.now() - start))
        }
        try commit(&batch, shared)
        report.seconds = Self.now() - start
        if getenv("KEYTRAIL_TRACE") != nil {
            fputs(
                "trace: read+parse+reduce \(phase.parse) s, commit \(phase.commit) s in \(phase.commits) commit(s)\n",
                stderr)
        }
        return report
    }

    /// Folds one file's outcome into the batch and the report.
    private func absorb(_ o: FileOutcome, into batch: inout Batch, report: inout IngestReport, known: KnownContent) {
        report.bytesRead += o.rawBytes
        if o.isCopy {
            report.filesCopies += 1
            if let entry = o.entry, known.isComplete(entry.checksum) {
                batch.manifest.append((o.item.absolute, entry, 0))
            }
            return
        }
        report.bytesDecompressed += o.contentBytes
        report.rejections += o.result.rejections
        report.unitsRejected += max(o.result.rejectedUnits, o.result.rejections.isEmpty ? 0 : 1)
        report.notes += o.result.notes
        report.events.add(o.result.counts)
        if o.result.rejections.isEmpty {
            report.filesIngested += 1
        } else {
            report.filesRejected += 1
            if o.result.counts.read > 0 { report.filesIngested += 1 }
        }
        batch.files += 1
        // Only a file with nothing rejected is recorded as done: a rerun reads it again.
        if o.result.rejections.isEmpty, let entry = o.entry, !o.item.isStdin {
            batch.manifest.append((o.item.absolute, entry, Int64(o.result.counts.read)))
            known.markComplete(entry.checksum)
        }
    }

    /// Writes the batch in one transaction: max-register upserts, newest timestamp, manifest rows.
    private func commit(_ batch: inout Batch, _ shared: SharedTable) throws {
        try shared.withLock { s in
            try commit(&batch, table: s.table, spills: s.spills)
            s.table.removeAll()
            for f in s.spills { f.reset() }
        }
        batch = Batch()
    }

    private func commit(_ batch: inout Batch, table: BatchTable, spills: [SpillFile]) throws {
        guard !table.isEmpty || !batch.manifest.isEmpty else { return }
        let tCommit = Self.now()
        defer { phase.commit += Self.now() - tCommit; phase.commits += 1 }
        try writer.begin()
        do {
            // Rows first, in key order (B-tree locality): which of them their event won.
            var won = [UInt8](repeating: 0, count: table.count)
            // The table holds each row once: into an empty index, every row is new.
            let new = writer.startedEmpty
            for i in table.rowOrder() {
                let e = table.entries[i]
                let tag = DimensionTag.decode(table.service(e))
                switch try writer.offerDimension(
                    key: table.key(e), tag.kind, service: tag.service, name: tag.name, sub: tag.sub,
                    timestamp: e.timestamp, eventId: table.eventId(e), new: new)
                {
                case .won: won[i] = 1
                case .same: won[i] = 2
                case .lost: break
                }
            }
            // Then each event's Detail, once for all the rows it won (the rows of one event share
            // its Detail in the spill files, so in spill order they sit together). They are
            // compressed here, in parallel chunks: only the batch's final winners, not every file's.
            var groups: [DetailGroup] = []
            for i in table.spillOrder() where won[i] != 0 {
                let e = table.entries[i]
                if let g = groups.last, table.entries[g.entry].spill == e.spill,
                    table.entries[g.entry].detailOffset == e.detailOffset
                {
                    groups[groups.count - 1].rows += won[i] == 1 ? 1 : 0
                    groups[groups.count - 1].same = groups[groups.count - 1].same || won[i] == 2
                } else {
                    groups.append(DetailGroup(entry: i, rows: won[i] == 1 ? 1 : 0, same: won[i] == 2))
                }
            }
            // Stored in key order: the Details table is clustered by key, so they are appended.
            let byKey = table.keyOrder(groups.map(\.entry))
            try packer.run(byKey.map { groups[$0] }, table: table, spills: spills) { g, stored, compressed in
                let e = table.entries[g.entry]
                try writer.referenceEvent(
                    key: table.key(e), service: DimensionTag.decode(table.service(e)).service, timestamp: e.timestamp,
                    eventId: table.eventId(e), source: e.source, detail: stored, compressed: compressed, rows: g.rows)
            }
            if table.newest > Int64.min { try writer.noteTimestamp(table.newest) }
            let now = Int64(Self.now() * 1000)
            for (path, entry, events) in batch.manifest {
                try writer.recordFile(path: path, until: until, entry: entry, events: events, now: now)
            }
            try writer.commit()
        } catch {
            writer.rollback()
            throw IngestError(
                "cannot write the index \(options.databasePath): \(error); the \(batch.files) file(s) of this batch "
                    + "were not recorded and the next run reads them again (earlier batches are kept)")
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func fileStat(_ path: [UInt8]) -> (size: Int64, mtimeNanos: Int64)? {
        guard let st = FileWalker.status(path) else { return nil }
        return (Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }
}

/// What accumulates between commits besides the shared table: manifest rows and a file count.
struct Batch {
    var manifest: [([UInt8], ManifestEntry, Int64)] = []
    var files = 0
}
