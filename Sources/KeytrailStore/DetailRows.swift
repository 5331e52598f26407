/// New events waiting to be stored together (see `IndexWriter.referenceEvent`'s `new`): their
/// fields, by reference (the caller's bytes stay valid until the events are inserted).
struct DetailRows {
    /// Events per multi-row INSERT.
    static let batch = 16

    /// The columns in the order each row binds them (parameters 1... of `insertSQL(rows:)`).
    static let columns = "key, service, ts, event_id, refs, source, detail, file, line, col"

    /// `rows` events in one statement.
    static func insertSQL(rows: Int) -> String {
        "INSERT INTO event_details(\(columns)) VALUES"
            + Array(repeating: "(?,?,?,?,?,?,?,?,?,?)", count: rows).joined(separator: ",")
    }

    private var keys: [UnsafeRawBufferPointer] = []
    private var services: [UnsafeRawBufferPointer] = []
    private var timestamps: [Int64] = []
    private var eventIds: [UnsafeRawBufferPointer] = []
    private var refs: [Int64] = []
    private var sources: [Int64] = []
    private var details: [UnsafeRawBufferPointer] = []
    private var compressed: [Bool] = []
    private var origins: [EventOrigin?] = []

    var count: Int { keys.count }

    mutating func append(
        key: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, timestamp: Int64, eventId: UnsafeRawBufferPointer,
        rows: Int, source: Int64, detail: UnsafeRawBufferPointer, compressed isCompressed: Bool, origin: EventOrigin?
    ) {
        keys.append(key)
        services.append(service)
        timestamps.append(timestamp)
        eventIds.append(eventId)
        refs.append(Int64(rows))
        sources.append(source)
        details.append(detail)
        compressed.append(isCompressed)
        origins.append(origin)
    }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        services.removeAll(keepingCapacity: true)
        timestamps.removeAll(keepingCapacity: true)
        eventIds.removeAll(keepingCapacity: true)
        refs.removeAll(keepingCapacity: true)
        sources.removeAll(keepingCapacity: true)
        details.removeAll(keepingCapacity: true)
        compressed.removeAll(keepingCapacity: true)
        origins.removeAll(keepingCapacity: true)
    }

    /// Binds rows `range` to parameters 1... of `st` (10 a row, in `columns`' order), without copies.
    func bind(_ range: Range<Int>, to st: Statement) {
        for (n, k) in range.enumerated() {
            let base = Int32(n * 10)
            st.bindStaticText(base + 1, keys[k])
            st.bindStaticText(base + 2, services[k])
            st.bind(base + 3, timestamps[k])
            st.bindStaticText(base + 4, eventIds[k])
            st.bind(base + 5, refs[k])
            st.bind(base + 6, sources[k])
            if compressed[k] {
                st.bindStaticBlob(base + 7, details[k])
            } else {
                st.bindStaticText(base + 7, details[k])
            }
            if let origin = origins[k] {
                st.bind(base + 8, origin.file)
                st.bind(base + 9, origin.line)
                st.bind(base + 10, origin.column)
            } else {
                for p in (base + 8)...(base + 10) { st.bindNull(p) }
            }
        }
    }
}
