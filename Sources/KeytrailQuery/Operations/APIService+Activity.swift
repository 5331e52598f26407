import KeytrailScan
import KeytrailStore

extension APIService {
    /// `key`'s activity on the days of `range` (of one service, when given), summed per period.
    package func timeline(key: String, service: String?, by: Period, range: DayRange) throws(QueryError)
        -> TimelineAnswer
    {
        let days = try activity(key: key, service: service, range: range)
        var rows: [TimelineAnswer.Row] = []
        // Days come ordered by day then service: a period's rows are consecutive days.
        var at: [String: Int] = [:]
        var current: Int64?
        for d in days {
            let p = by.start(of: d.day)
            if p != current {
                current = p
                at.removeAll(keepingCapacity: true)
            }
            if let i = at[d.service] {
                rows[i].count += d.count
                rows[i].first = min(rows[i].first, d.first)
                rows[i].last = max(rows[i].last, d.last)
            } else {
                at[d.service] = rows.count
                rows.append(
                    TimelineAnswer.Row(
                        period: p, service: d.service, serviceNameEn: catalog.names(for: d.service).en,
                        count: d.count, first: d.first, last: d.last))
            }
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
        let days = DayRange(days: Dimension.day(window.start)...Dimension.day(window.asOf))
        var answer = try timeline(key: key, service: nil, by: .week, range: days)
        var weeks: [TimelineAnswer.Row] = []
        for r in answer.rows {
            if let last = weeks.last, last.period == r.period {
                weeks[weeks.count - 1].count += r.count
                weeks[weeks.count - 1].first = min(last.first, r.first)
                weeks[weeks.count - 1].last = max(last.last, r.last)
            } else {
                weeks.append(
                    TimelineAnswer.Row(
                        period: r.period, service: "", serviceNameEn: "", count: r.count, first: r.first, last: r.last))
            }
        }
        answer.rows = weeks
        return answer
    }

    /// The services `key` used on the days of `range`, each with its first and last use and
    /// count there, newest last use first.
    package func between(key: String, range: DayRange) throws(QueryError) -> BetweenAnswer {
        let days = try activity(key: key, service: nil, range: range)
        var at: [String: Int] = [:]
        var rows: [BetweenAnswer.Row] = []
        for d in days {
            if let i = at[d.service] {
                rows[i].count += d.count
                rows[i].first = min(rows[i].first, d.first)
                rows[i].last = max(rows[i].last, d.last)
            } else {
                at[d.service] = rows.count
                let names = catalog.names(for: d.service)
                rows.append(
                    BetweenAnswer.Row(
                        service: d.service, serviceNameCn: names.cn, serviceNameEn: names.en, count: d.count,
                        first: d.first, last: d.last))
            }
        }
        rows.sort { a, b in
            a.last != b.last ? a.last > b.last : LatestWins.compareBytes(a.service.utf8, b.service.utf8) < 0
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
