import KeytrailScan

/// New rows waiting to be inserted together: their fields, by reference (the bytes belong to the
/// caller and stay valid until the rows are inserted).
struct DimensionRows {
    /// Rows per multi-row INSERT: fewer statement steps, bindings without copies.
    static let batch = 32

    private var keys: [UnsafeRawBufferPointer] = []
    private var kinds: [Dimension] = []
    private var services: [UnsafeRawBufferPointer] = []
    private var names: [UnsafeRawBufferPointer] = []
    private var subs: [UnsafeRawBufferPointer] = []
    private var timestamps: [Int64] = []
    private var eventIds: [UnsafeRawBufferPointer] = []

    var count: Int { keys.count }

    mutating func append(
        key: UnsafeRawBufferPointer, kind: Dimension, service: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer,
        sub: UnsafeRawBufferPointer, timestamp: Int64, eventId: UnsafeRawBufferPointer
    ) {
        keys.append(key)
        kinds.append(kind)
        services.append(service)
        names.append(name)
        subs.append(sub)
        timestamps.append(timestamp)
        eventIds.append(eventId)
    }

    mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        services.removeAll(keepingCapacity: true)
        names.removeAll(keepingCapacity: true)
        subs.removeAll(keepingCapacity: true)
        timestamps.removeAll(keepingCapacity: true)
        eventIds.removeAll(keepingCapacity: true)
    }

    /// Binds every row, without copies, to a statement of `count` rows of the 7 columns.
    func bind(to st: Statement) {
        for k in 0..<count { bind(k, to: st, at: Int32(k * 7)) }
    }

    /// Inserts row `k` alone with a one-row statement (parameters 1–7).
    func insert(_ k: Int, with st: Statement) throws(SQLiteError) {
        bind(k, to: st, at: 0)
        defer { st.resetKeepingBindings() }
        try st.step()
    }

    private func bind(_ k: Int, to st: Statement, at base: Int32) {
        st.bindStaticText(base + 1, keys[k])
        st.bind(base + 2, Int64(kinds[k].rawValue))
        st.bindStaticText(base + 3, services[k])
        st.bindStaticText(base + 4, names[k])
        st.bindStaticText(base + 5, subs[k])
        st.bind(base + 6, timestamps[k])
        st.bindStaticText(base + 7, eventIds[k])
    }
}
