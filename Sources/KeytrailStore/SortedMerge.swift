import CSQLite
import KeytrailScan

/// Several statements, each reading its table in primary-key order, read as one sequence in that
/// order (a k-way merge, a binary heap of the statements by their current rows): `least` takes
/// the statements whose current rows share the least key, the caller reads their rows and
/// `advance`s them. Keys compare as SQLite orders them (NULL, numbers, text, blobs; text and blobs
/// by `LatestWins.compareBytes`, i.e. the BINARY collation), so the merged order is each table's.
/// A row's column bytes stay valid until its statement is advanced. Each current row's key is
/// read once, when its statement steps (`Value`), so that comparing keys calls no SQLite API.
struct SortedMerge {
    let cursors: [Statement]
    /// The statements' handles, read without reference counting.
    private let handles: [OpaquePointer]
    /// How many leading columns make the key.
    let keyColumns: Int32
    private var heap: [Int] = []
    /// A statement whose current row comes before every row in the heap (kept out of it, so that
    /// a run of rows from one statement costs a comparison each, not a heap's push and pop).
    private var next: Int?
    /// The current key of each statement: `keyColumns` values from `i * keyColumns`.
    private var keys: [Value]

    /// One column's value as SQLite orders it.
    struct Value {
        /// NULL 0, numbers 1, text 2, blobs 3.
        var rank: Int8 = 0
        var integer: Int64 = 0
        var real: Double = 0
        var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

        init() {}

        init(_ st: OpaquePointer, _ c: Int32) {
            let type = sqlite3_column_type(st, c)
            switch type {
            case SQLITE_NULL: rank = 0
            case SQLITE_INTEGER:
                rank = 1
                integer = sqlite3_column_int64(st, c)
                real = Double(integer)
            case SQLITE_FLOAT:
                rank = 1
                real = sqlite3_column_double(st, c)
                integer = Int64(exactly: real.rounded(.down)) ?? 0
            default:
                rank = type == SQLITE_TEXT ? 2 : 3
                bytes = SortedMerge.bytes(st, c)
            }
        }

        static func compare(_ a: Value, _ b: Value) -> Int {
            if a.rank != b.rank { return a.rank < b.rank ? -1 : 1 }
            switch a.rank {
            case 0: return 0
            case 1:
                if a.real == b.real { return a.integer == b.integer ? 0 : (a.integer < b.integer ? -1 : 1) }
                return a.real < b.real ? -1 : 1
            default: return LatestWins.compareBytes(a.bytes, b.bytes)
            }
        }
    }

    init(_ cursors: [Statement], keyColumns: Int32) throws(SQLiteError) {
        self.cursors = cursors
        handles = cursors.map(\.stmt)
        self.keyColumns = keyColumns
        keys = Array(repeating: Value(), count: cursors.count * Int(keyColumns))
        for i in cursors.indices where try cursors[i].step() { push(i) }
    }

    /// Key column `c` of statement `i`'s current row (read when it stepped).
    func key(_ i: Int, _ c: Int32) -> Value { keys[i * Int(keyColumns) + Int(c)] }

    /// Column `c`'s bytes (text or blob) of statement `i`'s current row, valid until it advances.
    func bytes(_ i: Int, _ c: Int32) -> UnsafeRawBufferPointer { Self.bytes(handles[i], c) }

    /// Column `c` of statement `i`'s current row as an integer.
    func int64(_ i: Int, _ c: Int32) -> Int64 { sqlite3_column_int64(handles[i], c) }

    /// Whether column `c` of statement `i`'s current row is NULL.
    func isNull(_ i: Int, _ c: Int32) -> Bool { sqlite3_column_type(handles[i], c) == SQLITE_NULL }

    /// Whether column `c` of statement `i`'s current row is a blob.
    func isBlob(_ i: Int, _ c: Int32) -> Bool { sqlite3_column_type(handles[i], c) == SQLITE_BLOB }

    /// The statement whose current row comes first (the lowest index among equal keys), if any.
    var first: Int? { next ?? heap.first }

    /// Takes, into `group`, the statements whose current rows have the least key, lowest index
    /// first (empty when every statement is done). They leave the merge until `advance`d.
    mutating func least(into group: inout [Int]) {
        group.removeAll(keepingCapacity: true)
        if let i = next {
            next = nil
            group.append(i)
            return
        }
        guard let top = pop() else { return }
        group.append(top)
        while let next = heap.first, compareKeys(next, top) == 0 { group.append(pop()!) }
    }

    /// Steps each statement of `group` and puts back those with a row.
    mutating func advance(_ group: [Int]) throws(SQLiteError) {
        if group.count == 1, next == nil {
            let i = group[0]
            guard try cursors[i].step() else { return }
            load(i)
            // Still before every other statement's row: the next `least` is this one alone.
            if heap.isEmpty || compareKeys(i, heap[0]) < 0 {
                next = i
            } else {
                insert(i)
            }
            return
        }
        for i in group where try cursors[i].step() { push(i) }
    }

    /// Reads statement `i`'s current key.
    private mutating func load(_ i: Int) {
        let st = handles[i]
        for c in 0..<keyColumns { keys[i * Int(keyColumns) + Int(c)] = Value(st, c) }
    }

    /// The order of statement `a`'s current key and statement `b`'s.
    func compareKeys(_ a: Int, _ b: Int) -> Int {
        let width = Int(keyColumns)
        for c in 0..<width {
            let order = Value.compare(keys[a * width + c], keys[b * width + c])
            if order != 0 { return order }
        }
        return 0
    }

    /// Column `c`'s bytes, valid until the statement steps.
    static func bytes(_ st: OpaquePointer, _ c: Int32) -> UnsafeRawBufferPointer {
        guard let p = sqlite3_column_blob(st, c) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(st, c)))
    }

    /// Whether statement `a` comes before statement `b`: the lesser key, then the lower index.
    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let order = compareKeys(a, b)
        return order != 0 ? order < 0 : a < b
    }

    private mutating func push(_ i: Int) {
        load(i)
        insert(i)
    }

    /// Puts statement `i`, its key loaded, into the heap.
    private mutating func insert(_ i: Int) {
        heap.append(i)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            if left >= heap.count { break }
            var least = left
            if left + 1 < heap.count && precedes(heap[left + 1], heap[left]) { least = left + 1 }
            guard precedes(heap[least], heap[parent]) else { break }
            heap.swapAt(least, parent)
            parent = least
        }
        return top
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
