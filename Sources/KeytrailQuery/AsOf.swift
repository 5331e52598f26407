import Glibc
import KeytrailScan

/// The end of the query window: a fixed time, now, or the newest event in the index.
package enum AsOf: Equatable, Sendable {
    /// The current time (the cloud's behaviour).
    case now
    /// The newest UsedTimestamp in the index (`latest`).
    case latest
    /// A fixed time in epoch milliseconds.
    case at(Int64)

    /// Parses `latest`, `now`, epoch milliseconds, or RFC 3339; times outside years 0000–9999
    /// are refused (window arithmetic and formatting stay far from overflow).
    package init?(parsing text: String) {
        if text == "latest" {
            self = .latest
        } else if text == "now" {
            self = .now
        } else if let ms = Int64(text) ?? Timestamp.parseRFC3339(text), Self.range.contains(ms) {
            self = .at(ms)
        } else {
            return nil
        }
    }

    /// 0000-01-01T00:00:00Z ... 9999-12-31T23:59:59.999Z in epoch milliseconds.
    static let range: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    /// The current time in epoch milliseconds.
    package static func currentMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// The window rule (DESIGN semantics 6): `asOf − days × 86,400,000 ≤ UsedTimestamp ≤ asOf`.
package struct Window: Equatable, Sendable {
    /// The cloud's window, in days.
    package static let defaultDays = 400
    /// End of the window, epoch ms (inclusive).
    package var asOf: Int64
    /// Length in days.
    package var days: Int

    /// A window of `days` days ending at `asOf`.
    package init(asOf: Int64, days: Int) {
        self.asOf = asOf
        self.days = days
    }

    /// Start of the window, epoch ms (inclusive).
    package var start: Int64 { asOf - Int64(days) * 86_400_000 }

    /// Whether `ts` is inside the window.
    package func contains(_ ts: Int64) -> Bool { start <= ts && ts <= asOf }
}
