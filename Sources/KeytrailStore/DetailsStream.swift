import KeytrailPOSIX
import KeytrailScan

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
                    let origin =
                        events.isNull(i, 6)
                        ? nil
                        : fileIds[i][events.int64(i, 6)].map {
                            EventOrigin(file: $0, line: events.int64(i, 7), column: events.int64(i, 8))
                        }
                    let detail = events.bytes(i, 5)
                    guard let kept else {
                        kept = (detail, origin)
                        for c: Int32 in 0...1 { rows.text(events.key(i, c).bytes) }
                        rows.integer(events.key(i, 2).integer)
                        rows.text(events.key(i, 3).bytes)
                        rows.integer(Int64(n))
                        rows.integer(events.int64(i, 4))
                        if events.isBlob(i, 5) { rows.blob(detail) } else { rows.text(detail) }
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
                        Array(events.bytes(i, 0)), Array(events.bytes(i, 1)), events.int64(i, 2),
                        Array(events.bytes(i, 3)),
                        events.int64(i, 4), Array(detail), events.isBlob(i, 5), origin
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
