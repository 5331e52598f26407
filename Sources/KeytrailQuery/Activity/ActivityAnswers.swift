package import KeytrailScan
import KeytrailStore

/// The events, first and last use of some of a key's activity days.
package struct ActivityTotals: Equatable, Sendable {
    /// Events (each eventId once a day).
    package var count: Int
    /// The first and last UsedTimestamp, epoch ms.
    package var first: Int64
    package var last: Int64

    init(_ d: ActivityDay) { (count, first, last) = (d.count, d.first, d.last) }

    mutating func add(_ d: ActivityDay) {
        count += d.count
        first = min(first, d.first)
        last = max(last, d.last)
    }

    /// `days` summed per `group` (its key), in the order each group first appears.
    static func sums<K: Hashable>(_ days: [ActivityDay], by group: (ActivityDay) -> K) -> [(K, Self)] {
        var at: [K: Int] = [:]
        var out: [(K, Self)] = []
        for d in days {
            let k = group(d)
            if let i = at[k] {
                out[i].1.add(d)
            } else {
                at[k] = out.count
                out.append((k, Self(d)))
            }
        }
        return out
    }
}

/// An answer made of activity rows: its JSON body and NDJSON lines are framed alike.
package protocol ActivityListing {
    associatedtype Row
    var accessKey: String { get }
    var rows: [Row] { get }
    /// The array's member name in the body.
    static var arrayName: String { get }
    /// The members before the array (after `AccessKeyId`).
    func writeHeader(to o: inout JSONOutput)
    /// A row's members.
    func write(_ row: Row, to o: inout JSONOutput)
}

extension ActivityListing {
    /// `{"AccessKeyId", header, "<arrayName>": [...]}`.
    package func json(pretty: Bool) -> String {
        var o = JSONOutput(pretty: pretty)
        o.beginObject()
        o.string("AccessKeyId", accessKey)
        writeHeader(to: &o)
        o.beginArray(Self.arrayName)
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
}

/// `keytrail timeline`: a key's activity per period and service.
package struct TimelineAnswer: ActivityListing, Sendable {
    /// One service in one period.
    package struct Row: Equatable, Sendable {
        /// The period's first day (days since 1970-01-01).
        package var period: Int64
        /// The ServiceName, and its English name from the catalog.
        package var service: String
        package var serviceNameEn: String
        /// Events, first and last use in the period.
        package var totals: ActivityTotals
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

    package static let arrayName = "Timeline"

    /// `"By"`, the one service and the days, when asked.
    package func writeHeader(to o: inout JSONOutput) {
        o.string("By", by.rawValue)
        if let service { o.string("ServiceName", service) }
        if range != .all { range.write(to: &o) }
    }

    package func write(_ r: Row, to o: inout JSONOutput) {
        o.string("Period", by.label(r.period))
        o.string("ServiceName", r.service)
        o.string("ServiceNameEn", r.serviceNameEn)
        o.int("Count", Int64(r.totals.count))
        o.int("FirstUsedTimestamp", r.totals.first)
        o.int("LastUsedTimestamp", r.totals.last)
    }
}

/// `keytrail products KEY --between A B`: the services a key used on those days, with their
/// last use in them and how many events (not the cloud's answer: no Detail, no window).
package struct BetweenAnswer: ActivityListing, Sendable {
    /// One service over the days.
    package struct Row: Equatable, Sendable {
        package var service: String
        package var serviceNameCn: String
        package var serviceNameEn: String
        package var totals: ActivityTotals
    }

    package var accessKey: String
    package var range: DayRange
    /// Newest last use first, then ServiceName by bytes (as products).
    package var rows: [Row]
    package var notes: [String]

    package static let arrayName = "Products"

    /// `"Between": {"From", "To"}`.
    package func writeHeader(to o: inout JSONOutput) { range.write(to: &o) }

    package func write(_ r: Row, to o: inout JSONOutput) {
        o.string("ServiceName", r.service)
        o.string("ServiceNameCn", r.serviceNameCn)
        o.string("ServiceNameEn", r.serviceNameEn)
        o.int("UsedTimestamp", r.totals.last)
        o.int("FirstUsedTimestamp", r.totals.first)
        o.int("Count", Int64(r.totals.count))
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
