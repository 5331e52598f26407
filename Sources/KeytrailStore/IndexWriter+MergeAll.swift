import KeytrailPOSIX
import KeytrailScan

extension IndexWriter {
    /// Folds every shard into this index, which holds no row yet (a first build, that nobody
    /// reads until it is placed), by streaming: each shard's small tables first (dictionaries,
    /// file names, manifest), then one pass over all shards' rows at once (`MergeStream`, on a
    /// thread of its own: it reads and decides while this one writes), each table read in its key
    /// order and merged k ways, every row and Detail written once, in key order. `stop` is asked
    /// between shards and between batches of rows; a stopped build is discarded by the caller.
    /// Memory holds one key's events (past `eventsInMemory` of them, a temporary database does)
    /// and a few batches of rows. Returns each shard's counts, or nil when stopped.
    package func mergeAll(
        _ shards: [IndexReader], eventsInMemory: Int = 1 << 20, stop: () -> Bool
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
        let stream = try MergeStream(shards, fileIds: fileIds, eventsInMemory: eventsInMemory)
        // The activity rows are read on a third thread, through connections of their own.
        let activity = try ActivityStream(
            shards.map { (s) throws(IndexError) in try IndexReader(path: s.db.path) })
        let queue = MergeQueue()
        let producers = [
            Thread {
                var reading = stream
                reading.run(into: queue)
            },
            Thread {
                var reading = activity
                reading.run(into: queue)
            },
        ]
        var running = producers.count
        defer {
            queue.cancel()
            for p in producers { p.join() }
        }
        let tables: [MergeStream.Table: BatchInsert] = [
            .dims: BatchInsert(db: db, table: "dims", columns: MergeStream.dimsColumns),
            .details: BatchInsert(db: db, table: "event_details", columns: MergeStream.detailsColumns),
            .activity: BatchInsert(db: db, table: "activity", columns: MergeStream.activityColumns),
        ]
        try begin()
        do throws(IndexError) {
            while true {
                if stop() {
                    rollback()
                    return nil
                }
                switch queue.pop() {
                case .rows(let table, let rows):
                    try IndexError.wrapping { () throws(SQLiteError) in try tables[table]!.insert(rows) }
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

/// What a merge's reading thread hands the writing one, in order.
enum MergeOp: Sendable {
    /// Rows for a table.
    case rows(MergeStream.Table, RowBuffer)
    /// Another text of an event whose first copy went in with the rows before: it is offered to
    /// the stored one (`IndexWriter.keepGreater`).
    case offer(IndexWriter.Tie)
    /// A reader is done: with the dims, each shard's rows read and taken; nil from the activity.
    case finished([MergeCounts]?)
    case failed(IndexError)
}

/// A bounded FIFO of `MergeOp`s between the reading thread and the writing one; `cancel` (the
/// writer stopped) makes the reader's next `push` fail.
final class MergeQueue: @unchecked Sendable {
    private struct State {
        var ops: [MergeOp] = []
        var head = 0
        var cancelled = false
        var held: Int { ops.count - head }
    }

    /// Ops held at most (each up to `MergeStream.rowsPerOp` rows).
    static let capacity = 16
    private let lock = Lock(State())

    /// Waits for room, then adds `op`; false when the writer has stopped.
    func push(_ op: MergeOp) -> Bool {
        let added = lock.withLock(when: { $0.held < Self.capacity || $0.cancelled }) { s -> Bool in
            if s.cancelled { return false }
            s.ops.append(op)
            return true
        }
        lock.withLockSignalling(all: true) { _ in }
        return added
    }

    /// Waits for the next op (each reader ends with `finished` or `failed`).
    func pop() -> MergeOp {
        let op = lock.withLock(when: { $0.held > 0 }) { s -> MergeOp in
            let op = s.ops[s.head]
            s.head += 1
            if s.head == s.ops.count {
                s.ops.removeAll(keepingCapacity: true)
                s.head = 0
            }
            return op
        }
        lock.withLockSignalling(all: true) { _ in }
        return op
    }

    func cancel() { lock.withLockSignalling(all: true) { $0.cancelled = true } }
}

/// The reading half of a first-build merge: every shard's dims, Details and activity, each table
/// read in its key order through the shard's own connection and merged k ways (`SortedMerge`).
/// Of one row's copies the latest stays (`LatestWins`: time, then eventId; of equal ones the
/// first shard's is counted as taken); a key's Details follow its rows: the events its kept rows
/// name, each with how many (`EventRefs`), are read from every shard that holds them: the first
/// copy goes in with the rows, and each other text is offered to the stored one, so the greater
/// text stays (`referenceEvent`, as ingest does). Of one activity row, the latest time.
struct MergeStream: @unchecked Sendable {
    enum Table: Sendable { case dims, details, activity }

    static let dimsColumns = ["key", "kind", "service", "name", "sub", "ts", "event_id"]
    static let detailsColumns = ["key", "service", "ts", "event_id", "refs", "source", "detail", "file", "line", "col"]
    static let activityColumns = ["key", "service", "day", "event_id", "ts"]
    /// Rows per op handed to the writer.
    static let rowsPerOp = 1024

    private var dims: SortedMerge
    private var events: SortedMerge
    private let fileIds: [[Int64: Int64]]
    private let refs: EventRefs
    private var counts: [MergeCounts]
    private var dimRows = RowBuffer(columns: dimsColumns.count)
    private var detailRows = RowBuffer(columns: detailsColumns.count)

    /// Prepares the reads (on the caller's thread; `run` steps them on its own).
    init(_ shards: [IndexReader], fileIds: [[Int64: Int64]], eventsInMemory: Int) throws(IndexError) {
        // Read through SQLite's page cache rather than a memory map: the shards are read once,
        // and a map would count every page read so far in the process's memory.
        try IndexError.wrapping { () throws(SQLiteError) in
            for s in shards { try s.db.execute("PRAGMA mmap_size=0") }
        }
        func each(_ sql: String) throws(IndexError) -> [Statement] {
            try IndexError.wrapping { () throws(SQLiteError) in
                try shards.map { (s) throws(SQLiteError) in try s.db.prepare(sql) }
            }
        }
        let dimReads = try each(
            "SELECT key, kind, service, name, sub, ts, event_id FROM dims ORDER BY key, kind, service, name, sub")
        let eventReads = try each(
            """
            SELECT key, service, ts, event_id, source, detail, file, line, col FROM event_details
            ORDER BY key, service, ts, event_id
            """)
        (dims, events) = try IndexError.wrapping { () throws(SQLiteError) in
            (try SortedMerge(dimReads, keyColumns: 5), try SortedMerge(eventReads, keyColumns: 4))
        }
        self.fileIds = fileIds
        refs = EventRefs(limit: eventsInMemory)
        counts = shards.map { _ in MergeCounts() }
    }

    /// Reads everything into `queue`, ending with `finished` or `failed` (or nothing, once the
    /// writer has stopped).
    mutating func run(into queue: MergeQueue) {
        do throws(IndexError) {
            guard try streamRows(queue) else { return }
            _ = queue.push(.finished(counts))
        } catch {
            _ = queue.push(.failed(error))
        }
    }

    private func sql<T>(_ body: () throws(SQLiteError) -> T) throws(IndexError) -> T {
        try IndexError.wrapping(body)
    }

    /// Hands `rows` to the writer when it holds `rowsPerOp` rows (or, with `all`, any). False
    /// when the writer has stopped.
    static func send(_ table: Table, _ rows: inout RowBuffer, to queue: MergeQueue, all: Bool = false) -> Bool {
        guard rows.rows >= Self.rowsPerOp || (all && rows.rows > 0) else { return true }
        defer { rows = RowBuffer(columns: rows.columns) }
        return queue.push(.rows(table, rows))
    }

    /// The dims, and the Details their kept rows name. False when the writer has stopped.
    private mutating func streamRows(_ queue: MergeQueue) throws(IndexError) -> Bool {
        var key: [UInt8] = []
        var group: [Int] = []
        var rows = 0
        while true {
            dims.least(into: &group)
            guard let first = group.first else { break }
            let keyBytes = dims.key(first, 0).bytes
            if rows == 0 || key.withUnsafeBytes({ LatestWins.compareBytes(keyBytes, $0) }) != 0 {
                if rows > 0, !(try copyDetails(of: key, to: queue)) { return false }
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
            dimRows.text(dims.key(w, 0).bytes)
            dimRows.integer(dims.key(w, 1).integer)
            for c: Int32 in 2...4 { dimRows.text(dims.key(w, c).bytes) }
            dimRows.integer(dims.int64(w, 5))
            dimRows.text(dims.bytes(w, 6))
            try sql { () throws(SQLiteError) in
                try refs.add(service: dims.key(w, 2).bytes, ts: dims.int64(w, 5), id: dims.bytes(w, 6))
                try dims.advance(group)
            }
            rows += 1
            guard Self.send(.dims, &dimRows, to: queue) else { return false }
        }
        if rows > 0, !(try copyDetails(of: key, to: queue)) { return false }
        return Self.send(.dims, &dimRows, to: queue, all: true)
            && Self.send(.details, &detailRows, to: queue, all: true)
    }

    /// The Details of `key`'s events that `refs` names, reading `events` up to the end of the
    /// key. False when the writer has stopped.
    private mutating func copyDetails(of key: [UInt8], to queue: MergeQueue) throws(IndexError) -> Bool {
        try sql { () throws(SQLiteError) in try refs.seal() }
        var group: [Int] = []
        var found = 0
        while let first = events.first {
            let order = key.withUnsafeBytes { LatestWins.compareBytes(events.bytes(first, 0), $0) }
            if order > 0 { break }
            events.least(into: &group)
            let n =
                order < 0
                ? 0
                : try sql { () throws(SQLiteError) in
                    try refs.count(
                        service: events.bytes(first, 1), ts: events.int64(first, 2), id: events.bytes(first, 3))
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
                        for c: Int32 in 0...1 { detailRows.text(e.bytes(i, c)) }
                        detailRows.integer(e.int64(i, 2))
                        detailRows.text(e.bytes(i, 3))
                        detailRows.integer(Int64(n))
                        detailRows.integer(e.int64(i, 4))
                        if e.isBlob(i, 5) { detailRows.blob(detail) } else { detailRows.text(detail) }
                        if let origin {
                            for v in [origin.file, origin.line, origin.column] { detailRows.integer(v) }
                        } else {
                            for _ in 0..<3 { detailRows.null() }
                        }
                        continue
                    }
                    if kept.origin == origin, LatestWins.compareBytes(kept.detail, detail) == 0 { continue }
                    // Another text of the event: the stored one is offered it, after the rows before.
                    guard Self.send(.details, &detailRows, to: queue, all: true) else { return false }
                    let copy: IndexWriter.Tie = (
                        Array(e.bytes(i, 0)), Array(e.bytes(i, 1)), e.int64(i, 2), Array(e.bytes(i, 3)),
                        e.int64(i, 4), Array(detail), e.isBlob(i, 5), origin
                    )
                    guard queue.push(.offer(copy)) else { return false }
                }
            }
            try sql { () throws(SQLiteError) in try events.advance(group) }
            guard Self.send(.details, &detailRows, to: queue) else { return false }
        }
        // Every event a kept row names is held by the shard the row came from.
        let named = try sql { () throws(SQLiteError) in try refs.events }
        if found != named {
            throw .sqlite(
                SQLiteError(
                    code: 11, message: "a shard's rows name \(named - found) event(s) that no shard holds a Detail of"))
        }
        try sql { () throws(SQLiteError) in try refs.clear() }
        return true
    }
}

/// The other reading half of a first-build merge: every shard's activity rows merged k ways; of
/// one row, the latest time.
struct ActivityStream: @unchecked Sendable {
    private var activity: SortedMerge
    private var activityRows = RowBuffer(columns: MergeStream.activityColumns.count)
    /// The shards' connections for this stream's thread.
    private let shards: [IndexReader]

    init(_ shards: [IndexReader]) throws(IndexError) {
        self.shards = shards
        activity = try IndexError.wrapping { () throws(SQLiteError) in
            for s in shards { try s.db.execute("PRAGMA mmap_size=0") }
            return try SortedMerge(
                shards.map { (s) throws(SQLiteError) in
                    try s.db.prepare(
                        "SELECT key, service, day, event_id, ts FROM activity ORDER BY key, service, day, event_id")
                }, keyColumns: 4)
        }
    }

    mutating func run(into queue: MergeQueue) {
        do throws(IndexError) {
            guard try streamActivity(queue) else { return }
            _ = queue.push(.finished(nil))
        } catch {
            _ = queue.push(.failed(error))
        }
    }

    /// The activity rows. False when the writer has stopped.
    private mutating func streamActivity(_ queue: MergeQueue) throws(IndexError) -> Bool {
        var group: [Int] = []
        while true {
            activity.least(into: &group)
            guard let first = group.first else {
                return MergeStream.send(.activity, &activityRows, to: queue, all: true)
            }
            var w = first
            for i in group.dropFirst() where activity.int64(i, 4) > activity.int64(w, 4) { w = i }
            activityRows.text(activity.bytes(w, 0))
            activityRows.text(activity.bytes(w, 1))
            activityRows.integer(activity.int64(w, 2))
            activityRows.text(activity.bytes(w, 3))
            activityRows.integer(activity.int64(w, 4))
            try IndexError.wrapping { () throws(SQLiteError) in try activity.advance(group) }
            guard MergeStream.send(.activity, &activityRows, to: queue) else { return false }
        }
    }
}

/// The events one key's kept rows name, each with how many rows name it: in memory (sorted
/// once the key is read, then looked up in order, as the key's Details are read in that order),
/// or, once more than `limit` are held, also in a temporary database of its own, so that a key of
/// millions of rows keeps memory bounded.
final class EventRefs {
    let limit: Int
    /// The events added since the last `clear` (or move to the table): each as a range of
    /// `arena` holding the service's length, the service, the time and the eventId.
    private var arena: [UInt8] = []
    private var added: [(start: Int, service: Int, id: Int, ts: Int64)] = []
    /// After `seal`: the distinct events in order, with how many times each was added.
    private var sorted: [(entry: Int, n: Int)] = []
    private var position = 0
    private var spilled = false
    private var table: (db: Database, spill: Statement, find: Statement)?

    init(limit: Int) { self.limit = max(1, limit) }

    func add(service: UnsafeRawBufferPointer, ts: Int64, id: UnsafeRawBufferPointer) throws(SQLiteError) {
        let start = arena.count
        Self.encode(service: service, ts: ts, id: id, into: &arena)
        added.append((start, service.count, id.count, ts))
        if added.count >= limit { try moveToTable() }
    }

    /// Ends the key's events: sorts those memory holds, or, when the table is in use, moves them there.
    func seal() throws(SQLiteError) {
        if spilled { return try moveToTable() }
        let order = arena.withUnsafeBytes { a in
            added.indices.sorted { x, y in compare(a, x, y) < 0 }
        }
        sorted.removeAll(keepingCapacity: true)
        arena.withUnsafeBytes { a in
            for i in order {
                if let last = sorted.last, compare(a, last.entry, i) == 0 {
                    sorted[sorted.count - 1].n += 1
                } else {
                    sorted.append((i, 1))
                }
            }
        }
        position = 0
    }

    /// The order of two added events: the service's bytes, the time, the eventId's bytes (the
    /// order of the Details' key within one AccessKey).
    private func compare(_ a: UnsafeRawBufferPointer, _ x: Int, _ y: Int) -> Int {
        let p = added[x]
        let q = added[y]
        let order = LatestWins.compareBytes(service(a, p), service(a, q))
        if order != 0 { return order }
        return LatestWins.compare(p.ts, id(a, p), q.ts, id(a, q))
    }

    private func service(_ a: UnsafeRawBufferPointer, _ e: (start: Int, service: Int, id: Int, ts: Int64))
        -> UnsafeRawBufferPointer
    {
        UnsafeRawBufferPointer(rebasing: a[e.start + 4..<e.start + 4 + e.service])
    }

    private func id(_ a: UnsafeRawBufferPointer, _ e: (start: Int, service: Int, id: Int, ts: Int64))
        -> UnsafeRawBufferPointer
    {
        let from = e.start + 12 + e.service
        return UnsafeRawBufferPointer(rebasing: a[from..<from + e.id])
    }

    /// How many rows name the event (0: none). In memory, events are asked in their order.
    func count(service: UnsafeRawBufferPointer, ts: Int64, id: UnsafeRawBufferPointer) throws(SQLiteError) -> Int {
        if spilled, let find = table?.find {
            var key: [UInt8] = []
            Self.encode(service: service, ts: ts, id: id, into: &key)
            key.withUnsafeBytes { find.bindBlob(1, $0) }
            defer { find.reset() }
            return try find.step() ? Int(find.int64(0)) : 0
        }
        return arena.withUnsafeBytes { a in
            while position < sorted.count {
                let e = added[sorted[position].entry]
                var order = LatestWins.compareBytes(self.service(a, e), service)
                if order == 0 { order = LatestWins.compare(e.ts, self.id(a, e), ts, id) }
                if order > 0 { return 0 }
                position += 1
                if order == 0 { return sorted[position - 1].n }
            }
            return 0
        }
    }

    /// How many events are named.
    var events: Int {
        get throws(SQLiteError) {
            guard spilled, let db = table?.db else { return sorted.count }
            return Int(try db.scalarInt("SELECT count(*) FROM refs") ?? 0)
        }
    }

    func clear() throws(SQLiteError) {
        arena.removeAll(keepingCapacity: true)
        added.removeAll(keepingCapacity: true)
        sorted.removeAll(keepingCapacity: true)
        if spilled, let db = table?.db {
            try db.execute("DELETE FROM refs")
            spilled = false
        }
    }

    /// An event as one byte string: the service's length (4 bytes), the service, the time (8), the eventId.
    private static func encode(
        service: UnsafeRawBufferPointer, ts: Int64, id: UnsafeRawBufferPointer, into bytes: inout [UInt8]
    ) {
        withUnsafeBytes(of: UInt32(service.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: service)
        withUnsafeBytes(of: ts.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: id)
    }

    private func moveToTable() throws(SQLiteError) {
        if table == nil {
            // "": a private database SQLite keeps in a temporary file, deleted when closed.
            let db = try Database(path: "", create: true)
            try db.execute(
                """
                PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
                CREATE TABLE refs(event BLOB PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID
                """)
            let spill = try db.prepare(
                "INSERT INTO refs(event, n) VALUES(?1, 1) ON CONFLICT DO UPDATE SET n = n + 1")
            let find = try db.prepare("SELECT n FROM refs WHERE event = ?1")
            table = (db, spill, find)
        }
        guard let (db, spill, _) = table else { return }
        try db.execute("BEGIN")
        let failure = arena.withUnsafeBytes { (a) -> SQLiteError? in
            for e in added {
                spill.bindStaticBlob(1, UnsafeRawBufferPointer(rebasing: a[e.start..<e.start + 12 + e.service + e.id]))
                do throws(SQLiteError) { try spill.run() } catch { return error }
            }
            return nil
        }
        if let failure { throw failure }
        try db.execute("COMMIT")
        arena.removeAll(keepingCapacity: true)
        added.removeAll(keepingCapacity: true)
        spilled = true
    }
}
