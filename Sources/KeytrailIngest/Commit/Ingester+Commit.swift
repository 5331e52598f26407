import KeytrailExtract
import KeytrailPOSIX
import KeytrailScan
import KeytrailStore

extension Ingester {
    /// Writes the batch in one transaction (max-register upserts, newest timestamp, manifest
    /// rows), then empties it.
    /// `final`: no batch follows in this run.
    func commit(_ batch: inout Batch, _ shared: Lock<SharedBatch>, final: Bool = false) throws(IngestError) {
        try shared.withLock { (s: inout SharedBatch) throws(IngestError) in
            // The commit reads the entries and never looks one up: their hash slots go first.
            s.table.releaseSlots()
            try commit(&batch, table: s.table, spills: s.spills, final: final)
            s.removeAll()
        }
        batch = Batch()
    }

    private func commit(
        _ batch: inout Batch, table: BatchTable, spills: [SpillFile], final: Bool
    ) throws(IngestError) {
        guard !table.isEmpty || !batch.manifest.isEmpty else { return }
        let tCommit = Clock.monotonicSeconds()
        defer { phase.commit += Clock.monotonicSeconds() - tCommit; phase.commits += 1 }
        try index { () throws(IndexError) in try writer.begin() }
        do throws(IngestError) {
            // Details read again from their inputs are the ones parsed only if the inputs did not
            // change (as the manifest judges a file: size and modification time), before or during.
            for f in spills { try f.checkSource() }
            try write(batch, table: table, spills: spills)
            for f in spills { try f.checkSource() }
            let tEnd = Clock.monotonicSeconds()
            try index { () throws(IndexError) in try writer.commit() }
            trace("commit: COMMIT", tEnd)
            if writer.buildTarget != nil {
                // The first batch of a first build is complete: readers see it from now on. Later
                // batches go into the index in WAL mode, as any ingest into an index that holds
                // something (the last batch leaves it in rollback mode, as at rest).
                let t = Clock.monotonicSeconds()
                try index { () throws(IndexError) in try writer.finishBuild(thenWAL: !final) }
                placed = true
                if !final {
                    try index { () throws(IndexError) in writer = try IndexWriter(path: options.databasePath) }
                }
                trace("commit: first build put in place", t)
            }
        } catch {
            writer.rollback()
            throw .commitFailed(databasePath: options.databasePath, files: batch.files, cause: error)
        }
    }

    /// The transaction's writes: the rows and each winning event's Detail, then the manifest.
    private func write(_ batch: Batch, table: BatchTable, spills: [SpillFile]) throws(IngestError) {
        // The table holds each row once: into an empty index, every row is new and wins.
        let new = writer.startedEmpty
        // Which rows their event won: 1 won, 2 named it already.
        var won = [UInt8](repeating: new ? 1 : 0, count: table.count)
        // Activity rows name no Detail: never in a Detail group (`won` stays 0 for them).
        if new {
            for i in table.entries.indices where table.service(table.entries[i]).first == Dimension.activity.rawValue {
                won[i] = 0
            }
        }
        var t0 = Clock.monotonicSeconds()
        // Rows in key order (B-tree locality). Sorted before the Details are grouped, not beside
        // it on another thread: the two sorts' buffers (~40 bytes a row each) were the peak of a
        // first build's memory (312 → 284 MiB on the 300k-event benchmark, 1.5M rows), and the
        // overlap saved ~0.05 s.
        let order = table.rowOrder()
        trace("commit: row order", t0)
        var inserted = 0
        func insertRows(upTo end: Int) throws(IngestError) {
            while inserted < end {
                let i = Int(order[inserted])
                inserted += 1
                let e = table.entries[i]
                let tag = DimensionTag.decode(table.service(e))
                if tag.kind == .activity {
                    try index { () throws(IndexError) in
                        try writer.offerActivity(
                            key: table.key(e), service: tag.service, day: DimensionTag.day(tag.name),
                            eventId: tag.sub, timestamp: e.timestamp, new: new)
                    }
                    continue
                }
                let offer = try index { () throws(IndexError) in
                    try writer.offerDimension(
                        key: table.key(e), tag.kind, service: tag.service, name: tag.name, sub: tag.sub,
                        timestamp: e.timestamp, eventId: table.eventId(e), new: new)
                }
                switch offer {
                case .won: won[i] = 1
                case .same: won[i] = 2
                case .lost: won[i] = 0
                }
            }
        }
        // Into an index that holds rows, the rows go first: they say which events won.
        t0 = Clock.monotonicSeconds()
        if !new { try insertRows(upTo: order.count) }
        trace("commit: rows first (\(new ? 0 : table.count))", t0)
        t0 = Clock.monotonicSeconds()
        // Each event's Detail, once for all the rows it won (the rows of one event share its
        // Detail in the spill files, so in spill order they sit together).
        // Batch-local file numbers become the index's `file_names` ids as the Details need them.
        var fileIds: [UInt32: Int64] = [:]
        func origin(_ h: SpillHeader, _ files: [[UInt8]]) throws(IndexError) -> EventOrigin? {
            guard h.line > 0 else { return nil }
            if fileIds[h.file] == nil { fileIds[h.file] = try writer.fileId(files[Int(h.file)]) }
            return EventOrigin(file: fileIds[h.file]!, line: h.line, column: h.column)
        }
        var groups: [DetailGroup] = []
        for i in table.spillOrder({ won[$0] != 0 }).lazy.map({ Int($0) }) {
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
        trace("commit: groups (\(groups.count))", t0)
        t0 = Clock.monotonicSeconds()
        try prepareDictionary(byKey.map { groups[$0].entry }, table: table, spills: spills)
        trace("commit: dictionary", t0)
        t0 = Clock.monotonicSeconds()
        // Compressed on the other cores while this thread stores the chunk before; into an empty
        // index, the rows go in meanwhile too, both tables by key, chunk by chunk.
        try packer.run(
            byKey.map { groups[$0] }, table: table, spills: spills,
            before: { c, n throws(IngestError) in if new { try insertRows(upTo: order.count * (c + 1) / n) } },
            after: { () throws(IngestError) in try index { () throws(IndexError) in try writer.flushDetails() } }
        ) { g, stored, compressed, header throws(IngestError) in
            let e = table.entries[g.entry]
            try index { () throws(IndexError) in
                let origin = try header.flatMap { h throws(IndexError) in try origin(h, table.files) }
                try writer.referenceEvent(
                    key: table.key(e), service: DimensionTag.decode(table.service(e)).service, timestamp: e.timestamp,
                    eventId: table.eventId(e), source: e.source, detail: stored, compressed: compressed, rows: g.rows,
                    origin: origin, new: new)
            }
        }
        try insertRows(upTo: order.count)
        trace("commit: details\(new ? " and rows" : "")", t0)
        if tracing {
            try? POSIX.write(
                2,
                "trace: commit:   of which rows \(packer.interleaved) s, waiting for or compressing chunks "
                    + "\(packer.waited) s (compressing \(packer.helped) s)\n")
        }
        if table.newest > Int64.min { try index { () throws(IndexError) in try writer.noteTimestamp(table.newest) } }
        let now = Clock.wallMillis()
        for (path, entry, events) in batch.manifest {
            try index { () throws(IndexError) in
                try writer.recordFile(path: path, until: until, entry: entry, events: events, now: now)
            }
        }
        try index { () throws(IndexError) in try writer.nameCopies(batch.copies, until: until) }
    }

    /// Makes the packer compress with the index's dictionary; an index without one gets one
    /// trained on evenly spaced Details of this commit (`entries`, in the order they are
    /// stored), stored in the same transaction. Too few Details: none yet (they are compressed
    /// without one, and a later commit tries again).
    private func prepareDictionary(_ entries: [Int], table: BatchTable, spills: [SpillFile]) throws(IngestError) {
        guard packer.dictionary == nil else { return }
        if let d = try index({ () throws(IndexError) in try writer.detailDictionary() }) {
            packer.use(d)
            return
        }
        guard entries.count >= DetailDictionary.minSamples else { return }
        let samples = ByteBuffer(capacity: Self.dictionarySampleBytes + (64 << 10))
        var sizes: [Int] = []
        let step = max(1, entries.count / Self.dictionarySamples)
        for k in stride(from: 0, to: entries.count, by: step) where samples.count < Self.dictionarySampleBytes {
            let e = table.entries[entries[k]]
            let n = Int(e.detailCount)
            guard n > 0 && n <= 64 << 10 else { continue }
            samples.reserve(n)
            try spills[Int(e.spill)].read(offset: e.detailOffset, count: n, to: samples.base + samples.count)
            samples.count += n
            sizes.append(n)
        }
        guard let d = DetailDictionary.train(samples.bytes, sizes: sizes) else { return }
        try index { () throws(IndexError) in try writer.adopt(d) }
        packer.use(d)
    }

    /// At most this many Details, and about this many bytes, train a dictionary. Training is on the
    /// commit's path: on the benchmark's 2 KB events, 2 MiB of samples trained in 0.05 s against
    /// 0.15 s for 8 MiB, and the stored Details came within 1 % of each other (1 MiB: 0.02 s, +2 %).
    static let dictionarySamples = 4000
    static let dictionarySampleBytes = 2 << 20

    /// Says how long a step of the commit took, for `KEYTRAIL_TRACE=1`.
    func trace(_ what: String, _ since: Double) {
        guard tracing else { return }
        try? POSIX.write(2, "trace: \(what) \(Clock.monotonicSeconds() - since) s\n")
    }

    /// Runs one call of the index writer, its error as the ingest's.
    private func index<T>(_ body: () throws(IndexError) -> T) throws(IngestError) -> T {
        do { return try body() } catch { throw .index(error) }
    }
}
