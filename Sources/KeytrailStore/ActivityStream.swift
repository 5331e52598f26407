import KeytrailPOSIX
import KeytrailScan

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
