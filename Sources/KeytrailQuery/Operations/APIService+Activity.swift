import KeytrailScan
import KeytrailStore

extension APIService {
    /// `key`'s activity on the days of `range` (of one service, when given), summed per period
    /// and service.
    package func timeline(key: String, service: String?, by: Period, range: DayRange) throws(QueryError)
        -> TimelineAnswer
    {
        let days = try activity(key: key, service: service, range: range)
        struct Bucket: Hashable {
            var period: Int64
            var service: String
        }
        var rows = ActivityTotals.sums(days) { Bucket(period: by.start(of: $0.day), service: $0.service) }.map {
            TimelineAnswer.Row(
                period: $0.0.period, service: $0.0.service, serviceNameEn: catalog.names(for: $0.0.service).en,
                totals: $0.1)
        }
        rows.sort { a, b in
            a.period != b.period ? a.period < b.period : LatestWins.compareBytes(a.service.utf8, b.service.utf8) < 0
        }
        return TimelineAnswer(
            accessKey: key, by: by, service: service, range: range, rows: rows,
            notes: days.isEmpty ? try activityNotes(key) : [])
    }

    /// `key`'s events per ISO week of the days `window` covers, every service summed (the
    /// report's chart).
    package func weekly(key: String, window: Window) throws(QueryError) -> TimelineAnswer {
        let range = DayRange(days: Dimension.day(window.start)...Dimension.day(window.asOf))
        let days = try activity(key: key, service: nil, range: range)
        // Days come ordered by day: the weeks come in order.
        let rows = ActivityTotals.sums(days) { Period.week.start(of: $0.day) }.map {
            TimelineAnswer.Row(period: $0.0, service: "", serviceNameEn: "", totals: $0.1)
        }
        return TimelineAnswer(accessKey: key, by: .week, service: nil, range: range, rows: rows, notes: [])
    }

    /// The services `key` used on the days of `range`, each with its first and last use and
    /// count there, newest last use first.
    package func between(key: String, range: DayRange) throws(QueryError) -> BetweenAnswer {
        let days = try activity(key: key, service: nil, range: range)
        var rows = ActivityTotals.sums(days) { $0.service }.map {
            let names = catalog.names(for: $0.0)
            return BetweenAnswer.Row(
                service: $0.0, serviceNameCn: names.cn, serviceNameEn: names.en, totals: $0.1)
        }
        rows.sort { a, b in
            a.totals.last != b.totals.last
                ? a.totals.last > b.totals.last : LatestWins.compareBytes(a.service.utf8, b.service.utf8) < 0
        }
        return BetweenAnswer(
            accessKey: key, range: range, rows: rows, notes: days.isEmpty ? try activityNotes(key) : [])
    }

    /// The activity rows of a valid key; an index built `--products-only` keeps none.
    private func activity(key: String, service: String?, range: DayRange) throws(QueryError) -> [ActivityDay] {
        let key = try Self.accessKey(["AccessKey": key])
        guard try QueryError.reading(try reader.keepsSiblings()) else {
            throw .index(.noSiblings(operation: "activity (timeline, products --between)"))
        }
        return try QueryError.reading(try reader.activity(key: key, service: service, days: range.days))
    }

    /// Why an activity answer is empty, when the key is not in the index at all.
    private func activityNotes(_ key: String) throws(QueryError) -> [String] {
        try QueryError.reading(try reader.products(key: key, details: false)).isEmpty
            ? try products.unknownKeyNotes(key) : []
    }
}
