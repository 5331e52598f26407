import KeytrailScan

/// `keytrail timeline`: a key's activity per period and service.
package struct TimelineAnswer: Sendable {
    /// One service in one period.
    package struct Row: Equatable, Sendable {
        /// The period's first day (days since 1970-01-01).
        package var period: Int64
        /// The ServiceName, and its English name from the catalog.
        package var service: String
        package var serviceNameEn: String
        /// Events in the period (each eventId once a day).
        package var count: Int
        /// The first and last UsedTimestamp in the period, epoch ms.
        package var first: Int64
        package var last: Int64
    }

    package var accessKey: String
    package var by: Period
    /// The one service asked for, if any.
    package var service: String?
    /// The days asked for (`DayRange.all` unless `--between`).
    package var range: DayRange
    /// By period, then ServiceName (by bytes).
    package var rows: [Row]
    /// What to add on stderr (an unknown key).
    package var notes: [String]

    /// `{"AccessKeyId", "By", ["ServiceName"], ["Between"], "Timeline": [...]}`.
    package func json(pretty: Bool) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        o.string("AccessKeyId", accessKey)
        o.string("By", by.rawValue)
        if let service { o.string("ServiceName", service) }
        if range != .all { range.write(to: &o) }
        o.beginArray("Timeline")
        for r in rows {
            o.beginObject()
            write(r, to: &o)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// NDJSON: one object per row, `AccessKeyId` first.
    package func rowsJSON() -> [String] {
        rows.map { r in
            var o = JSONOutput(pretty: false)
            o.beginObject()
            o.string("AccessKeyId", accessKey)
            write(r, to: &o)
            o.endObject()
            return o.text
        }
    }

    private func write(_ r: Row, to o: inout JSONOutput) {
        o.string("Period", by.label(r.period))
        o.string("ServiceName", r.service)
        o.string("ServiceNameEn", r.serviceNameEn)
        o.int("Count", Int64(r.count))
        o.int("FirstUsedTimestamp", r.first)
        o.int("LastUsedTimestamp", r.last)
    }
}

/// `keytrail products KEY --between A B`: the services a key used on those days, with their
/// last use in them and how many events (not the cloud's answer: no Detail, no window).
package struct BetweenAnswer: Sendable {
    /// One service over the days.
    package struct Row: Equatable, Sendable {
        package var service: String
        package var serviceNameCn: String
        package var serviceNameEn: String
        package var count: Int
        package var first: Int64
        package var last: Int64
    }

    package var accessKey: String
    package var range: DayRange
    /// Newest last use first, then ServiceName by bytes (as products).
    package var rows: [Row]
    package var notes: [String]

    /// `{"AccessKeyId", "Between": {"From", "To"}, "Products": [...]}`.
    package func json(pretty: Bool) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        o.string("AccessKeyId", accessKey)
        range.write(to: &o)
        o.beginArray("Products")
        for r in rows {
            o.beginObject()
            write(r, to: &o)
            o.endObject()
        }
        o.endArray()
        o.endObject()
        return o.text
    }

    /// NDJSON: one object per service, `AccessKeyId` first.
    package func rowsJSON() -> [String] {
        rows.map { r in
            var o = JSONOutput(pretty: false)
            o.beginObject()
            o.string("AccessKeyId", accessKey)
            write(r, to: &o)
            o.endObject()
            return o.text
        }
    }

    private func write(_ r: Row, to o: inout JSONOutput) {
        o.string("ServiceName", r.service)
        o.string("ServiceNameCn", r.serviceNameCn)
        o.string("ServiceNameEn", r.serviceNameEn)
        o.int("UsedTimestamp", r.last)
        o.int("FirstUsedTimestamp", r.first)
        o.int("Count", Int64(r.count))
    }
}

extension DayRange {
    /// `"Between": {"From": "2026-03-01", "To": "2026-03-31"}` (both days included).
    func write(to o: inout JSONOutput) {
        o.beginObject("Between")
        o.string("From", Self.date(days.lowerBound))
        o.string("To", Self.date(days.upperBound))
        o.endObject()
    }
}
