/// New activity rows waiting to be inserted together (see `IndexWriter.offerActivity`'s `new`):
/// their fields, by reference (the caller's bytes stay valid until the rows are inserted).
struct ActivityRows {
    /// Rows per multi-row INSERT.
    static let batch = 32

    private var keys: [UnsafeRawBufferPointer] = []
    private var services: [UnsafeRawBufferPointer] = []
    private var days: [Int64] = []
    private var eventIds: [UnsafeRawBufferPointer] = []
    private var timestamps: [Int64] = []

    var count: Int { keys.count }

    mutating func append(
        key: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, day: Int64, eventId: UnsafeRawBufferPointer,
        timestamp: Int64
    ) {
        keys.append(key)
        services.append(service)
        days.append(day)
        eventIds.append(eventId)
        timestamps.append(timestamp)
    }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        services.removeAll(keepingCapacity: true)
        days.removeAll(keepingCapacity: true)
        eventIds.removeAll(keepingCapacity: true)
        timestamps.removeAll(keepingCapacity: true)
    }

    /// Binds rows `range` to parameters 1... of `st` (5 a row, in `upsertActivitySQL`'s order).
    func bind(_ range: Range<Int>, to st: Statement) {
        for (n, k) in range.enumerated() {
            let base = Int32(n * 5)
            st.bindStaticText(base + 1, keys[k])
            st.bindStaticText(base + 2, services[k])
            st.bind(base + 3, days[k])
            st.bindStaticText(base + 4, eventIds[k])
            st.bind(base + 5, timestamps[k])
        }
    }
}
