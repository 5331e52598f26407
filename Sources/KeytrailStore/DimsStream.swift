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
