extension IndexWriter {
    /// The upsert of one activity row: of two times for one eventId that day, the later stays.
    static let upsertActivitySQL = """
        INSERT INTO activity(key, service, day, event_id, ts) VALUES(?1, ?2, ?3, ?4, ?5)
        ON CONFLICT(key, service, day, event_id) DO UPDATE SET ts = excluded.ts WHERE excluded.ts > ts
        """

    /// Offers one activity row: `key` used `service` on UTC `day` in event `eventId` at
    /// `timestamp`. A set with a max-register per element: offering an event again (a re-read
    /// file, the same event in two files) changes nothing, so a day's count is each eventId once.
    /// `new`: the caller knows the row does not exist (as for `offerDimension`): such rows are
    /// inserted many at a time, so their bytes must stay valid until the commit (or the next
    /// offer that is not `new`).
    package func offerActivity(
        key: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, day: Int64, eventId: UnsafeRawBufferPointer,
        timestamp: Int64, new: Bool = false
    ) throws(IndexError) {
        if new {
            pendingActivity.append(key: key, service: service, day: day, eventId: eventId, timestamp: timestamp)
            guard pendingActivity.count == ActivityRows.batch else { return }
            pendingActivity.bind(0..<ActivityRows.batch, to: insertActivities)
            defer {
                insertActivities.resetKeepingBindings()
                pendingActivity.removeAll()
            }
            _ = try IndexError.wrapping { () throws(SQLiteError) in try insertActivities.step() }
            return
        }
        try flushActivity()
        let st = upsertActivity
        st.bindStaticText(1, key)
        st.bindStaticText(2, service)
        st.bind(3, day)
        st.bindStaticText(4, eventId)
        st.bind(5, timestamp)
        try IndexError.wrapping { () throws(SQLiteError) in try st.run() }
    }

    /// Inserts the new activity rows offered and not yet inserted.
    func flushActivity() throws(IndexError) {
        guard pendingActivity.count > 0 else { return }
        defer { pendingActivity.removeAll() }
        for k in 0..<pendingActivity.count {
            pendingActivity.bind(k..<(k + 1), to: upsertActivity)
            try IndexError.wrapping { () throws(SQLiteError) in try upsertActivity.run() }
        }
    }

    /// `ActivityRows.batch` new rows in one statement.
    static let insertActivitiesSQL =
        "INSERT INTO activity(key, service, day, event_id, ts) VALUES"
        + Array(repeating: "(?,?,?,?,?)", count: ActivityRows.batch).joined(separator: ",")

    /// Unites the attached shard's activity with this index's (the same upsert, set-based).
    static let uniteActivity = """
        INSERT INTO activity(key, service, day, event_id, ts)
        SELECT key, service, day, event_id, ts FROM shard.activity WHERE true
        ON CONFLICT(key, service, day, event_id) DO UPDATE SET ts = excluded.ts WHERE excluded.ts > ts
        """
}
