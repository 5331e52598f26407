import KeytrailScan

/// Events named by kept rows, as `DimsStream` hands them to `DetailsStream`: each as one byte
/// string in `arena` (the service's length in 4 bytes, the service, the time in 8, the eventId).
struct RefBatch: Sendable {
    /// Events per batch handed over.
    static let capacity = 4096

    fileprivate(set) var arena: [UInt8] = []
    fileprivate(set) var entries: [(start: Int, service: Int, id: Int, ts: Int64)] = []
    /// The shard whose kept row named each entry.
    fileprivate(set) var shards: [Int32] = []

    var count: Int { entries.count }

    mutating func add(service: UnsafeRawBufferPointer, ts: Int64, id: UnsafeRawBufferPointer, shard: Int) {
        entries.append((arena.count, service.count, id.count, ts))
        shards.append(Int32(shard))
        Self.encode(service: service, ts: ts, id: id, into: &arena)
    }

    static func encode(
        service: UnsafeRawBufferPointer, ts: Int64, id: UnsafeRawBufferPointer, into bytes: inout [UInt8]
    ) {
        withUnsafeBytes(of: UInt32(service.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: service)
        withUnsafeBytes(of: ts.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: id)
    }
}

/// The events one key's kept rows name, each with how many rows name it: in memory (sorted
/// once the key is read, then looked up in order, as the key's Details are read in that order),
/// or, once more than `limit` are held, also in a temporary database of its own, so that a key of
/// millions of rows keeps memory bounded.
final class EventRefs {
    let limit: Int
    /// The events added since the last `clear` (or move to the table), encoded as `RefBatch` does.
    private var arena: [UInt8] = []
    private var added: [(start: Int, service: Int, id: Int, ts: Int64)] = []
    private var addedShards: [Int32] = []
    /// The first event `count` passed over unasked (no shard held it), if any.
    private var passed: Int?
    /// After `seal`: the distinct events in order, with how many times each was added.
    private var sorted: [(entry: Int, n: Int)] = []
    private var position = 0
    private var spilled = false
    private var table: (db: Database, spill: Statement, find: Statement)?

    init(limit: Int) { self.limit = max(1, limit) }

    /// Adds a batch of the key's events (an event once per row naming it).
    func add(_ batch: RefBatch) throws(SQLiteError) {
        let base = arena.count
        arena.append(contentsOf: batch.arena)
        for e in batch.entries { added.append((base + e.start, e.service, e.id, e.ts)) }
        addedShards.append(contentsOf: batch.shards)
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
            RefBatch.encode(service: service, ts: ts, id: id, into: &key)
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
                if order < 0 && passed == nil { passed = sorted[position].entry }
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

    /// After the key's Details were asked for: the shard that named an event none was found
    /// for (nil when unknown: the events were in the table).
    var shardMissingADetail: Int? {
        if spilled { return nil }
        if let passed { return Int(addedShards[passed]) }
        return position < sorted.count ? Int(addedShards[sorted[position].entry]) : nil
    }

    func clear() throws(SQLiteError) {
        passed = nil
        arena.removeAll(keepingCapacity: added.count < 1 << 16)
        added.removeAll(keepingCapacity: added.count < 1 << 16)
        addedShards.removeAll(keepingCapacity: addedShards.count < 1 << 16)
        sorted.removeAll(keepingCapacity: sorted.count < 1 << 16)
        if spilled, let db = table?.db {
            try db.execute("DELETE FROM refs")
            spilled = false
        }
    }

    /// What the temporary database's errors name (its file has no name of its own).
    static let temporaryName = "the merge's temporary database (in $SQLITE_TMPDIR or $TMPDIR, else /var/tmp or /tmp)"

    private func moveToTable() throws(SQLiteError) {
        do throws(SQLiteError) {
            try moveToTableUnnamed()
        } catch {
            var e = error
            e.path = Self.temporaryName
            if let db = table?.db { try? db.execute("ROLLBACK") }
            throw e
        }
    }

    private func moveToTableUnnamed() throws(SQLiteError) {
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
        addedShards.removeAll(keepingCapacity: true)
        spilled = true
    }
}
