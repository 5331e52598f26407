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

    /// The one TIME parser of `--as-of`, `--until` and `serve`: RFC 3339, a date (`2026-10-01`,
    /// midnight UTC), RFC 3339 with a space for the `T`, or epoch milliseconds, within years
    /// 0000–9999 (window arithmetic and formatting stay far from overflow). A number before
    /// 2000-01-01 as milliseconds is refused: it is epoch seconds far more often than 1970.
    package static func instant(_ text: String) -> Int64? {
        if let n = Int64(text) { return n >= earliestMillis && range.contains(n) ? n : nil }
        var t = Array(text.utf8)
        if t.count == 10 { t += Array("T00:00:00Z".utf8) }
        if t.count > 10 && t[10] == UInt8(ascii: " ") { t[10] = UInt8(ascii: "T") }
        guard let ms = Timestamp.parseRFC3339(String(decoding: t, as: UTF8.self)), range.contains(ms) else {
            return nil
        }
        return ms
    }

    /// 2000-01-01T00:00:00Z in epoch milliseconds: smaller numbers are refused as TIME.
    static let earliestMillis: Int64 = 946_684_800_000

    /// The one refusal of a TIME option: the forms it takes and, for a number that looks like
    /// epoch seconds, what it would be in milliseconds. `keywords` are the option's other values.
    package static func refusal(option: String, text: String, keywords: [String] = []) -> String {
        let quoted = keywords.map { "'\($0)'" }
        let others =
            quoted.isEmpty
            ? ""
            : ", " + quoted.dropLast().joined(separator: ", ") + (quoted.count > 1 ? " or " : "")
                + quoted[quoted.count - 1]
        var message =
            "\(option) must be RFC 3339 (2026-10-01T12:00:00Z), a date (2026-10-01), RFC 3339 with a space "
            + "for the T (2026-10-01 12:00:00Z)\(quoted.isEmpty ? " or" : ",") epoch milliseconds\(others), got '\(text)'"
        if let n = Int64(text), n < earliestMillis {
            let (ms, overflow) = n.multipliedReportingOverflow(by: 1000)
            if n >= 0, !overflow, ms >= earliestMillis, range.contains(ms) {
                message += " (it looks like epoch seconds: \(ms) in milliseconds)"
            } else {
                message += " (as milliseconds it falls before 2000-01-01)"
            }
        }
        return message
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
