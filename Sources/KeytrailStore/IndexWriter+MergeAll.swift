import KeytrailPOSIX
import KeytrailScan

extension IndexWriter {
    /// Folds every shard into this index, which holds no row yet (a first build, that nobody
    /// reads until it is placed), by streaming: each shard's small tables first (dictionaries,
    /// file names, manifest), then one pass over all shards' rows at once, each table read in its
    /// key order and merged k ways, every row and Detail written once, in key order. Three
    /// threads read and decide (`DimsStream`, `DetailsStream`, `ActivityStream`, each through
    /// connections of its own) while this one writes. `stop` is asked between shards and between
    /// batches of rows; a stopped build is discarded by the caller. Memory holds a few batches of
    /// rows and one key's events (past `eventsInMemory` of them, a temporary database does).
    /// Returns each shard's counts, or nil when stopped.
    /// How many of one key's events a first-build merge holds in memory (about 100 bytes each)
    /// before it also uses a temporary database.
    package static let mergeEventsInMemory = 1 << 18

    package func mergeAll(
        _ shards: [IndexReader], eventsInMemory: Int = mergeEventsInMemory, stop: () -> Bool
    ) throws(IndexError) -> [MergeCounts]? {
        var counts = shards.map { _ in MergeCounts() }
        var fileIds: [[Int64: Int64]] = []
        for (i, shard) in shards.enumerated() {
            if stop() { return nil }
            try attach(shard)
            defer { detach() }
            try begin()
            try uniteDictionaries()
            try IndexError.wrapping { () throws(SQLiteError) in
                try db.execute(Self.mapFileNames)
                let q = try db.prepare("SELECT shard_id, id FROM temp.merge_files")
                var ids: [Int64: Int64] = [:]
                while try q.step() { ids[q.int64(0)] = q.int64(1) }
                fileIds.append(ids)
                try db.execute("DROP TABLE temp.merge_files")
                try db.execute(Self.uniteFiles)
                counts[i].files = Int(try db.scalarInt("SELECT count(*) FROM shard.files") ?? 0)
            }
            if let newest = try shard.newestTimestamp() { try noteTimestamp(newest) }
            try commit()
        }
        func connections() throws(IndexError) -> [IndexReader] {
            try shards.map { (s) throws(IndexError) in try IndexReader(path: s.db.path) }
        }
        let dims = try DimsStream(shards)
        let details = try DetailsStream(connections(), fileIds: fileIds, eventsInMemory: eventsInMemory)
        let activity = try ActivityStream(connections())
        let queue = BlockingQueue<MergeOp>(capacity: 8)
        let keys = BlockingQueue<KeyEvents>(capacity: 8)
        let readers = [
            Thread {
                var s = dims
                s.run(into: queue, events: keys)
            },
            Thread {
                var s = details
                s.run(from: keys, into: queue)
            },
            Thread {
                var s = activity
                s.run(into: queue)
            },
        ]
        defer {
            queue.close()
            keys.close()
            for r in readers { r.join() }
        }
        let dimRows = BatchInsert(db: db, table: "dims", columns: DimsStream.columns)
        let detailRows = BatchInsert(db: db, table: "event_details", columns: DetailsStream.columns)
        let activityRows = BatchInsert(db: db, table: "activity", columns: ActivityStream.columns)
        var running = readers.count
        try begin()
        do throws(IndexError) {
            while true {
                guard !stop(), let op = queue.pop() else {
                    rollback()
                    return nil
                }
                switch op {
                case .rows(let table, let rows):
                    let into =
                        switch table {
                        case .dims: dimRows
                        case .details: detailRows
                        case .activity: activityRows
                        }
                    try IndexError.wrapping { () throws(SQLiteError) in try into.insert(rows) }
                case .offer(let copy):
                    try keepGreater([copy])
                case .finished(let streamed):
                    for (i, c) in (streamed ?? []).enumerated() {
                        counts[i].rows = c.rows
                        counts[i].won = c.won
                    }
                    running -= 1
                    if running == 0 {
                        try commit()
                        return counts
                    }
                case .failed(let error):
                    throw error
                }
            }
        } catch {
            rollback()
            throw error
        }
    }
}

/// What a merge's reading threads hand the writing one, in order.
enum MergeOp: Sendable {
    enum Table: Sendable { case dims, details, activity }

    /// Rows for a table.
    case rows(Table, RowBuffer)
    /// Another text of an event whose first copy went in with the rows before: it is offered to
    /// the stored one (`IndexWriter.keepGreater`).
    case offer(IndexWriter.Tie)
    /// A reader is done: the dims' with each shard's rows read and taken, the others' with nil.
    case finished([MergeCounts]?)
    case failed(IndexError)

    /// Rows per op handed to the writer, and bytes: an op of large Details holds fewer rows.
    static let rowsPerOp = 1024
    static let bytesPerOp = 4 << 20

    /// Hands `rows` to the writer when it holds `rowsPerOp` rows or `bytesPerOp` bytes (or, with
    /// `all`, any). False when the writer has stopped.
    static func send(_ table: Table, _ rows: inout RowBuffer, to queue: BlockingQueue<MergeOp>, all: Bool = false)
        -> Bool
    {
        guard rows.rows >= rowsPerOp || rows.bytes >= bytesPerOp || (all && rows.rows > 0) else { return true }
        defer { rows = RowBuffer(columns: rows.columns) }
        return queue.push(.rows(table, rows))
    }
}
