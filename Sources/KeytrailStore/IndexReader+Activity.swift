/// One service's activity on one UTC day: how many events (each eventId once), the first and
/// the last UsedTimestamp.
package struct ActivityDay: Equatable, Sendable {
    /// The ServiceName.
    package var service: String
    /// Days since 1970-01-01 (UTC).
    package var day: Int64
    /// Events that day, each eventId once.
    package var count: Int
    /// The first UsedTimestamp that day, epoch ms.
    package var first: Int64
    /// The last UsedTimestamp that day, epoch ms.
    package var last: Int64

    /// Creates a day.
    package init(service: String, day: Int64, count: Int, first: Int64, last: Int64) {
        self.service = service
        self.day = day
        self.count = count
        self.first = first
        self.last = last
    }
}

extension IndexReader {
    /// `key`'s activity per service and UTC day in `days` (of one service, when given), ordered by
    /// day then service (by bytes).
    package func activity(key: String, service: String? = nil, days: ClosedRange<Int64>) throws(IndexError)
        -> [ActivityDay]
    {
        followIfReplaced()
        guard byKey != nil else { return [] }
        let q = try IndexError.wrapping { () throws(SQLiteError) in
            try db.prepare(
                """
                SELECT service, day, count(*), min(ts), max(ts) FROM activity
                WHERE key = ?1 AND (?2 IS NULL OR service = ?2) AND day BETWEEN ?3 AND ?4
                GROUP BY service, day ORDER BY day, service
                """)
        }
        q.bindText(1, key)
        if let service { q.bindText(2, service) } else { q.bindNull(2) }
        q.bind(3, days.lowerBound)
        q.bind(4, days.upperBound)
        var out: [ActivityDay] = []
        while try step(q) {
            out.append(
                ActivityDay(
                    service: q.text(0), day: q.int64(1), count: Int(q.int64(2)), first: q.int64(3), last: q.int64(4)))
        }
        return out
    }
}
