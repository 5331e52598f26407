import KeytrailPOSIX
import KeytrailScan

/// The end of the query window: a fixed time, now, or the newest event in the index.
package enum AsOf: Equatable, Sendable {
    /// The current time (the cloud's behaviour).
    case now
    /// The newest UsedTimestamp in the index (`latest`).
    case latest
    /// A fixed time in epoch milliseconds.
    case at(Int64)

    /// Parses `latest`, `now`, or a TIME (see `instant`).
    package init?(parsing text: String) {
        if text == "latest" {
            self = .latest
        } else if text == "now" {
            self = .now
        } else if let ms = Self.instant(text) {
            self = .at(ms)
        } else {
            return nil
        }
    }

    /// The one TIME parser of `--as-of`, `--until` and `serve`: epoch milliseconds or RFC 3339,
    /// within years 0000–9999 (window arithmetic and formatting stay far from overflow).
    package static func instant(_ text: String) -> Int64? {
        guard let ms = Int64(text) ?? Timestamp.parseRFC3339(text), range.contains(ms) else { return nil }
        return ms
    }

    /// 0000-01-01T00:00:00Z ... 9999-12-31T23:59:59.999Z in epoch milliseconds.
    static let range: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    /// The current time in epoch milliseconds.
    package static func currentMillis() -> Int64 { Clock.wallMillis() }

    /// The window of `days` days ending here; `latest` is the index's newest event (now on an
    /// empty index).
    package func window(days: Int, newestInIndex: () throws(QueryError) -> Int64?) throws(QueryError) -> Window {
        switch self {
        case .at(let t): return Window(asOf: t, days: days)
        case .now: return Window(asOf: Self.currentMillis(), days: days)
        case .latest: return Window(asOf: try newestInIndex() ?? Self.currentMillis(), days: days)
        }
    }
}
