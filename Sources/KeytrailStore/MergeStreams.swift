import KeytrailPOSIX
import KeytrailScan

/// The dims of a first-build merge, on a thread of their own: every shard's dims read in key
/// order through the shard's connection and merged k ways (`SortedMerge`). Of one row's copies
/// the latest stays (`LatestWins`: time, then eventId; of equal ones the first shard's is counted
/// as taken); the events the kept rows name go to `DetailsStream`, key by key.
struct DimsStream: @unchecked Sendable {
    static let columns = ["key", "kind", "service", "name", "sub", "ts", "event_id"]

    private var dims: SortedMerge
    private var counts: [MergeCounts]
    private var rows = RowBuffer(columns: columns.count)
    private var refs = RefBatch()

    /// Prepares the reads and steps each to its first row (on the caller's thread; `run` goes on
    /// on its own).
    init(_ shards: [IndexReader]) throws(IndexError) {
        dims = try SortedMerge.reading(
            shards,
            "SELECT key, kind, service, name, sub, ts, event_id FROM dims ORDER BY key, kind, service, name, sub",
            keyColumns: 5)
        counts = shards.map { _ in MergeCounts() }
    }

    /// Reads every row into `queue` and the events they name into `events`, ending with
    /// `finished` (or `failed`; or nothing, once the writer has stopped).
    mutating func run(into queue: BlockingQueue<MergeOp>, events: BlockingQueue<KeyEvents>) {
        defer { events.close() }
        do throws(IndexError) {
            guard try stream(queue, events) else { return }
            _ = queue.push(.finished(counts))
        } catch {
            _ = queue.push(.failed(error))
        }
    }

    private mutating func stream(_ queue: BlockingQueue<MergeOp>, _ events: BlockingQueue<KeyEvents>) throws(IndexError)
        -> Bool
    {
        var key: [UInt8] = []
        var group: [Int] = []
        var n = 0
        while true {
            dims.least(into: &group)
            guard let first = group.first else { break }
            let keyBytes = dims.key(first, 0).bytes
            if n == 0 || key.withUnsafeBytes({ LatestWins.compareBytes(keyBytes, $0) }) != 0 {
                if n > 0, !endKey(key, events) { return false }
                key = Array(keyBytes)
            }
            // The latest copy; of equal ones, the first shard's.
            var w = first
            for i in group.dropFirst()
            where LatestWins.compare(dims.int64(i, 5), dims.bytes(i, 6), dims.int64(w, 5), dims.bytes(w, 6)) > 0 {
                w = i
            }
            for i in group { counts[i].rows += 1 }
            counts[w].won += 1
            rows.text(dims.key(w, 0).bytes)
            rows.integer(dims.key(w, 1).integer)
            for c: Int32 in 2...4 { rows.text(dims.key(w, c).bytes) }
            rows.integer(dims.int64(w, 5))
            rows.text(dims.bytes(w, 6))
            refs.add(service: dims.key(w, 2).bytes, ts: dims.int64(w, 5), id: dims.bytes(w, 6), shard: w)
            try IndexError.wrapping { () throws(SQLiteError) in try dims.advance(group) }
            n += 1
            guard MergeOp.send(.dims, &rows, to: queue) else { return false }
            if refs.count >= RefBatch.capacity {
                guard events.push(.events(refs)) else { return false }
                refs = RefBatch()
            }
        }
        if n > 0, !endKey(key, events) { return false }
        return MergeOp.send(.dims, &rows, to: queue, all: true) && events.push(.end)
    }

    /// Hands the key's last events and its end to `DetailsStream`.
    private mutating func endKey(_ key: [UInt8], _ events: BlockingQueue<KeyEvents>) -> Bool {
        if refs.count > 0 {
            guard events.push(.events(refs)) else { return false }
            refs = RefBatch()
        }
        return events.push(.key(key))
    }
}

/// What `DimsStream` tells `DetailsStream`: the events a key's kept rows name (in batches), then
/// the key; `end` after the last key.
enum KeyEvents: Sendable {
    case events(RefBatch)
    case key([UInt8])
    case end
}

/// The Details of a first-build merge, on a thread of their own: every shard's event_details read
/// in key order (through connections of their own) and merged k ways. A key's events, as
/// `DimsStream` names them with how many kept rows name each (`EventRefs`), are read from every
/// shard that holds them: the first copy goes in with the rows, and each other text is offered
/// to the stored one, so the greater text stays (`referenceEvent`, as ingest does).
struct DetailsStream: @unchecked Sendable {
    static let columns = ["key", "service", "ts", "event_id", "refs", "source", "detail", "file", "line", "col"]

    private var events: SortedMerge
    private let fileIds: [[Int64: Int64]]
    private let refs: EventRefs
    private var rows = RowBuffer(columns: columns.count)
    /// This stream's connections to the shards.
    private let shards: [IndexReader]

    init(_ shards: [IndexReader], fileIds: [[Int64: Int64]], eventsInMemory: Int) throws(IndexError) {
        self.shards = shards
        events = try SortedMerge.reading(
            shards,
            """
            SELECT key, service, ts, event_id, source, detail, file, line, col FROM event_details
            ORDER BY key, service, ts, event_id
            """, keyColumns: 4)
        self.fileIds = fileIds
        refs = EventRefs(limit: eventsInMemory)
    }

    /// Stores the Details of the keys `keys` names, until its `end`, then `finished` (or
    /// `failed`; or nothing, once the writer or the dims have stopped).
    mutating func run(from keys: BlockingQueue<KeyEvents>, into queue: BlockingQueue<MergeOp>) {
        defer { keys.close() }
        do throws(IndexError) {
            while let op = keys.pop() {
                switch op {
                case .events(let batch):
                    try IndexError.wrapping { () throws(SQLiteError) in try refs.add(batch) }
                case .key(let key):
                    guard try copyDetails(of: key, to: queue) else { return }
                case .end:
                    if MergeOp.send(.details, &rows, to: queue, all: true) { _ = queue.push(.finished(nil)) }
                    return
                }
            }
        } catch {
            _ = queue.push(.failed(error))
        }
    }

    private func sql<T>(_ body: () throws(SQLiteError) -> T) throws(IndexError) -> T {
        try IndexError.wrapping(body)
    }

    /// The Details of `key`'s events that `refs` names, reading `events` up to the end of the
    /// key. False when the writer has stopped.
    private mutating func copyDetails(of key: [UInt8], to queue: BlockingQueue<MergeOp>) throws(IndexError) -> Bool {
        try sql { () throws(SQLiteError) in try refs.seal() }
        var group: [Int] = []
        var found = 0
        while let first = events.first {
            let order = key.withUnsafeBytes { LatestWins.compareBytes(events.key(first, 0).bytes, $0) }
            if order > 0 { break }
            events.least(into: &group)
            let n =
                order < 0
                ? 0
                : try sql { () throws(SQLiteError) in
                    try refs.count(
                        service: events.key(first, 1).bytes, ts: events.key(first, 2).integer,
                        id: events.key(first, 3).bytes)
                }
            if n > 0 {
                found += 1
                var kept: (detail: UnsafeRawBufferPointer, origin: EventOrigin?)? = nil
                for i in group {
                    let e = events
                    let origin =
                        e.isNull(i, 6)
                        ? nil
                        : fileIds[i][e.int64(i, 6)].map {
                            EventOrigin(file: $0, line: e.int64(i, 7), column: e.int64(i, 8))
                        }
                    let detail = e.bytes(i, 5)
                    guard let kept else {
                        kept = (detail, origin)
                        for c: Int32 in 0...1 { rows.text(e.key(i, c).bytes) }
                        rows.integer(e.key(i, 2).integer)
                        rows.text(e.key(i, 3).bytes)
                        rows.integer(Int64(n))
                        rows.integer(e.int64(i, 4))
                        if e.isBlob(i, 5) { rows.blob(detail) } else { rows.text(detail) }
                        if let origin {
                            for v in [origin.file, origin.line, origin.column] { rows.integer(v) }
                        } else {
                            for _ in 0..<3 { rows.null() }
                        }
                        continue
                    }
                    if kept.origin == origin, LatestWins.compareBytes(kept.detail, detail) == 0 { continue }
                    // Another text of the event: the stored one is offered it, after the rows before.
                    guard MergeOp.send(.details, &rows, to: queue, all: true) else { return false }
                    let copy: IndexWriter.Tie = (
                        Array(e.bytes(i, 0)), Array(e.bytes(i, 1)), e.int64(i, 2), Array(e.bytes(i, 3)),
                        e.int64(i, 4), Array(detail), e.isBlob(i, 5), origin
                    )
                    guard queue.push(.offer(copy)) else { return false }
                }
            }
            try sql { () throws(SQLiteError) in try events.advance(group) }
            guard MergeOp.send(.details, &rows, to: queue) else { return false }
        }
        // Every event a kept row names has a Detail in some shard (its own, unless it is damaged).
        let named = try sql { () throws(SQLiteError) in try refs.events }
        if found != named {
            throw .shardLacksDetails(
                shard: refs.shardMissingADetail.map { shards[$0].db.path }, key: String(decoding: key, as: UTF8.self),
                events: named - found)
        }
        try sql { () throws(SQLiteError) in try refs.clear() }
        return true
    }
}

/// The activity of a first-build merge, on a thread of its own: every shard's activity rows
/// merged k ways (through connections of their own); of one row, the latest time.
struct ActivityStream: @unchecked Sendable {
    static let columns = ["key", "service", "day", "event_id", "ts"]

    private var activity: SortedMerge
    private var rows = RowBuffer(columns: columns.count)
    /// This stream's connections to the shards.
    private let shards: [IndexReader]

    init(_ shards: [IndexReader]) throws(IndexError) {
        self.shards = shards
        activity = try SortedMerge.reading(
            shards, "SELECT key, service, day, event_id, ts FROM activity ORDER BY key, service, day, event_id",
            keyColumns: 4)
    }

    mutating func run(into queue: BlockingQueue<MergeOp>) {
        do throws(IndexError) {
            guard try stream(queue) else { return }
            _ = queue.push(.finished(nil))
        } catch {
            _ = queue.push(.failed(error))
        }
    }

    /// False when the writer has stopped.
    private mutating func stream(_ queue: BlockingQueue<MergeOp>) throws(IndexError) -> Bool {
        var group: [Int] = []
        while true {
            activity.least(into: &group)
            guard let first = group.first else { return MergeOp.send(.activity, &rows, to: queue, all: true) }
            var w = first
            for i in group.dropFirst() where activity.int64(i, 4) > activity.int64(w, 4) { w = i }
            for c: Int32 in 0...1 { rows.text(activity.key(w, c).bytes) }
            rows.integer(activity.key(w, 2).integer)
            rows.text(activity.key(w, 3).bytes)
            rows.integer(activity.int64(w, 4))
            try IndexError.wrapping { () throws(SQLiteError) in try activity.advance(group) }
            guard MergeOp.send(.activity, &rows, to: queue) else { return false }
        }
    }
}

extension SortedMerge {
    /// `sql` on each shard's connection (read through SQLite's page cache rather than a memory
    /// map: the shards are read once, and a map would count every page read so far in the
    /// process's memory), merged by its first `keyColumns` columns.
    static func reading(_ shards: [IndexReader], _ sql: String, keyColumns: Int32) throws(IndexError) -> SortedMerge {
        try IndexError.wrapping { () throws(SQLiteError) in
            var reads: [Statement] = []
            for s in shards {
                try s.db.execute("PRAGMA mmap_size=0")
                reads.append(try s.db.prepare(sql))
            }
            return try SortedMerge(reads, keyColumns: keyColumns)
        }
    }
}
