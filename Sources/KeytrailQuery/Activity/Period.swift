import KeytrailScan

/// The buckets of a timeline: UTC days, ISO weeks (Monday to Sunday) or calendar months.
package enum Period: String, CaseIterable, Sendable {
    case day, week, month

    /// The first day (days since 1970-01-01) of the period holding `day`.
    package func start(of day: Int64) -> Int64 {
        switch self {
        case .day: return day
        // 1970-01-01 was a Thursday: Monday is 3 days before it.
        case .week: return day - (((day + 3) % 7) + 7) % 7
        case .month:
            let (y, m, _) = Timestamp.civilFromDays(Int(day))
            return Int64(Timestamp.daysFromCivil(y, m, 1))
        }
    }

    /// How a period starting on `start` is named: `2026-03-02` (a day, or the Monday of a week),
    /// `2026-03` (a month).
    package func label(_ start: Int64) -> String {
        let date = DayRange.date(start)
        return self == .month ? String(date.prefix(7)) : date
    }
}

/// A range of whole UTC days, both ends included (`--between 2026-03-01 2026-03-31` is March).
package struct DayRange: Equatable, Sendable {
    /// The first and the last day (days since 1970-01-01).
    package var days: ClosedRange<Int64>

    /// Every day.
    package static let all = DayRange(days: Int64.min...Int64.max)

    /// The range from the day starting at `from` to the day starting at `to` (epoch ms, each
    /// midnight UTC); nil, with the reason, when either is not midnight UTC or `to` is before `from`.
    package static func between(_ from: Int64, _ to: Int64) -> (DayRange?, String?) {
        for t in [from, to] where t % 86_400_000 != 0 {
            return (
                nil,
                "--between takes UTC days (2026-03-01); \(Timestamp.format(t, millis: t % 1000 != 0)) is not midnight UTC"
            )
        }
        let a = Dimension.day(from)
        let b = Dimension.day(to)
        guard a <= b else { return (nil, "--between \(date(a)) \(date(b)): the last day is before the first") }
        return (DayRange(days: a...b), nil)
    }

    /// `2026-03-01`.
    package static func date(_ day: Int64) -> String {
        String(Timestamp.format(day * 86_400_000, millis: false).prefix(10))
    }

    /// `2026-03-01 to 2026-03-31`, as footers and notes say it.
    package var description: String { "\(Self.date(days.lowerBound)) to \(Self.date(days.upperBound))" }
}
