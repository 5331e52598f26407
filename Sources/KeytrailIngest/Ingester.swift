import KeytrailExtract
import KeytrailPOSIX
import KeytrailStore

/// Streams input files into the index: discover → read → frame → scan → reduce → commit.
///
/// Discover (`Discover/`: the walk, and the manifest's unchanged files) runs here, on the calling
/// thread; read, frame, scan and the per-file reduce run on the workers (`Ingester+Workers`,
/// `Read/`, KeytrailExtract), which merge into the batch (`Reduce/`); the batch is committed in
/// one transaction (`Commit/`), and the run is summed up in an `IngestReport` (`Report/`).
package final class Ingester {
    let options: IngestOptions
    let lock: IngestLock
    /// The index's writer, or during a first build the writer of its copy (`IndexWriter.startFirstBuild`).
    var writer: IndexWriter
    /// Whether this ingester's first build is in place (or none was made).
    var placed = false
    let until: Int64
    /// Seconds spent reading and parsing (waves) and committing, for `KEYTRAIL_TRACE=1`.
    var phase = (parse: 0.0, commit: 0.0, commits: 0)
    /// Whether this index keeps sibling rows.
    let siblings: Bool
    /// Compresses the commit's Details on every core.
    let packer: DetailPacker
    /// Whether `KEYTRAIL_TRACE` asks for the time of each phase on stderr.
    let tracing = POSIX.environment("KEYTRAIL_TRACE") != nil

    /// Opens (creating when missing) the index; the index exists before any input is read.
    package init(options: IngestOptions) throws(IngestError) {
        self.options = options
        do throws(IndexError) { try IndexWriter.checkWritable(options.databasePath) } catch { throw .index(error) }
        lock = try IngestLock(databasePath: options.databasePath, wait: options.waitForLock)
        do throws(IndexError) {
            // A missing or empty index is built as a copy (where the copy cannot be made, a full
            // disk say, the index is written in place).
            if let build = try? IndexWriter.startFirstBuild(path: options.databasePath, siblings: options.siblings) {
                writer = build
            } else {
                writer = try IndexWriter(path: options.databasePath)
            }
        } catch {
            if case .sqlite(let e) = error { throw .cannotOpenIndex(path: options.databasePath, e) }
            throw .index(error)
        }
        until = options.until ?? IndexWriter.noUntil
        do throws(IndexError) { siblings = try writer.siblings(requested: options.siblings) } catch {
            throw .index(error)
        }
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
    package func run(paths: [[UInt8]], live: LiveProgress? = nil) throws(IngestError) -> IngestReport {
        try run(inputs: paths.map { NamedInput(path: $0) }, live: live)
    }

    /// Ingests `inputs`, each recorded in the manifest under its name when it has one; `live`,
    /// when given, counts the run as it goes (within files too), for a progress line. A first
    /// build is put in place by its first commit (`Commit/`); when the run fails before that, or
    /// commits nothing, the copy is discarded and the index stays as it was (empty).
    package func run(inputs: [NamedInput], live: LiveProgress? = nil) throws(IngestError) -> IngestReport {
        if placed && writer.buildTarget != nil {
            // An earlier run's build is the index now: write it in place, as any later ingest.
            do throws(IndexError) { writer = try IndexWriter(path: options.databasePath) } catch { throw .index(error) }
        }
        do {
            let report = try ingest(inputs: inputs, live: live)
            if !placed { writer.abandonBuild() }
            return report
        } catch {
            if !placed { writer.abandonBuild() }
            throw error
        }
    }

    private func ingest(inputs: [NamedInput], live: LiveProgress?) throws(IngestError) -> IngestReport {
        let start = Clock.monotonicSeconds()
        var report = IngestReport()
        let db = Array(options.databasePath.utf8)
        let walker = FileWalker(
            inputs: inputs,
            exclude: (["", "-wal", "-shm", "-journal", ".lock"] + IndexWriter.buildSuffixes).map { db + Array($0.utf8) }
        )
        report.rejections += walker.rejections
        report.filesRejected += walker.rejections.count
        report.unitsRejected += walker.rejections.count
        let items = walker.items
        report.filesSeen = items.count + walker.rejections.count
        let known = KnownContent()
        let directory = IndexWriter.directory(of: options.databasePath)
        var spills: [SpillFile] = []
        for _ in 0..<options.jobs { spills.append(try SpillFile(directory: directory)) }
        let shared = Lock(SharedBatch(spills: spills, storageLimit: options.batchStorageLimit))
        var batch = Batch()
        let processors = (0..<options.jobs).map { _ in FileProcessor(until: until, siblings: siblings) }
        let reader = FileReader(
            streaming: Streaming(above: options.streamAbove, chunk: options.streamChunk), known: known,
            afterRead: options.afterRead, live: live)
        // One stat per input, only for a progress line: the walk does not keep sizes.
        live?.begin(files: items.count, bytes: items.reduce(0) { $0 + Self.size(of: $1) })
        let waveSize = options.jobs * 4
        var index = 0
        // Files this run recorded in the manifest; on a stop, the rest (not unchanged) are left.
        var committed = 0
        func stopIfAsked() throws(IngestError) {
            guard options.shouldStop?() == true else { return }
            throw .interrupted(committed: committed, left: items.count - report.filesUnchanged - committed)
        }
        while index < items.count {
            try stopIfAsked()
            // Main thread: skip files the manifest already holds, by path, size and mtime.
            var tasks: [InputItem] = []
            while index < items.count && tasks.count < waveSize {
                let item = items[index]
                index += 1
                // The writer changes once a first build is in place: ask the current one.
                if try UnchangedFiles(writer: writer, until: until).contains(item) {
                    live?.skip(bytes: Self.size(of: item))
                    report.filesUnchanged += 1
                    continue
                }
                tasks.append(item)
            }
            // Workers: read, checksum, skip copies, parse, reduce.
            do throws(IndexError) { try known.load(from: writer, until: until) } catch { throw .index(error) }
            let tParse = Clock.monotonicSeconds()
            let outcomes = Self.parallel(
                tasks, processors: processors, reader: reader, shared: shared, last: index >= items.count,
                stop: options.shouldStop)
            try stopIfAsked()
            phase.parse += Clock.monotonicSeconds() - tParse
            // Main thread: merge into the batch, in file order; copies after their originals.
            for o in outcomes where !o.isCopy { absorb(o, into: &batch, report: &report, known: known) }
            for o in outcomes where o.isCopy { absorb(o, into: &batch, report: &report, known: known) }
            if let failure = outcomes.lazy.compactMap(\.failure).first { throw failure }
            let (held, stored, spilled) = shared.withLock { s in
                (s.table.count, s.table.storedBytes, s.spills.reduce(0) { $0 + $1.size })
            }
            if batch.files >= options.batchFiles || held >= options.batchEntries || stored >= options.batchBytes
                || spilled >= options.batchSpillBytes
            {
                let files = batch.manifest.count
                // After the last files, no batch follows.
                try commit(&batch, shared, final: index >= items.count)
                committed += files
            }
        }
        try stopIfAsked()
        try commit(&batch, shared, final: true)
        report.seconds = Clock.monotonicSeconds() - start
        if tracing {
            try? POSIX.write(
                2, "trace: read+parse+reduce \(phase.parse) s, commit \(phase.commit) s in \(phase.commits) commit(s)\n"
            )
        }
        return report
    }

    /// The raw size of a regular input file, for the progress total (0 for standard input and pipes).
    private static func size(of item: InputItem) -> Int {
        guard !item.isStdin, let st = FileStatus(path: item.path), st.isRegular else { return 0 }
        return Int(st.size)
    }

    /// Folds one file's outcome into the batch and the report.
    private func absorb(_ o: FileOutcome, into batch: inout Batch, report: inout IngestReport, known: KnownContent) {
        report.bytesRead += o.rawBytes
        if o.isCopy {
            report.filesCopies += 1
            if let entry = o.entry, known.isComplete(entry.checksum) {
                batch.manifest.append((o.item.absolute, entry, 0))
                batch.copies.append(entry.checksum)
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
}
