import KeytrailScan

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

    /// The as-ofs whose windows (of these days) hold the same of `timestamps` as this one: from
    /// the newest of them (an earlier as-of is refused by the as-of rule), or from just after the
    /// last one this window has left behind, up to the first moment one of its own would leave.
    /// Later events never enter: the as-of rule refuses a window with an event after its end, so
    /// the range is empty when `timestamps` holds one. A key's answer is the same across it.
    package func sameEvents(_ timestamps: some Sequence<Int64>) -> Range<Int64> {
        let span = Int64(days) * 86_400_000
        // The first as-of whose window no longer holds `ts`, or Int64.max beyond the last.
        func leaving(_ ts: Int64) -> Int64 {
            let (t, overflow) = ts.addingReportingOverflow(span &+ 1)
            return overflow ? .max : t
        }
        var (low, high) = (Int64.min, Int64.max)
        for ts in timestamps {
            if ts > asOf { return asOf..<asOf }
            if ts < start {
                low = max(low, leaving(ts))
            } else {
                low = max(low, ts)
                high = min(high, leaving(ts))
            }
        }
        return low..<high
    }

    /// The as-of rule, for every query: when the index holds an event of `key` (its newest is
    /// `newest`) after the window's end, it cannot know what was latest then — refuse.
    package func admit(key: String, newest: Int64?) throws(QueryError) {
        if let newest, newest > asOf { throw .asOfRefused(AsOfRefusal(accessKey: key, asOf: asOf, newest: newest)) }
    }

    /// The smallest `--window-days` whose window, ending at the same as-of, holds `ts` (before it).
    package func daysToShow(_ ts: Int64) -> Int { Int((asOf - ts + 86_399_999) / 86_400_000) }

    /// The note for what the index holds but this window leaves out: `what` (`Kms`, `Ecs rows`) was
    /// last used at `lastUsed`, before the window; the note names the option that shows it.
    package func hiddenNote(_ what: String, lastUsed: Int64, plural: Bool = false) -> String {
        "\(what) last used \(Self.text(lastUsed)) — outside the \(days)-day window ending "
            + "\(Self.text(asOf)); `--window-days \(daysToShow(lastUsed))` shows \(plural ? "them" : "it")"
    }

    /// A time in a note: seconds, with milliseconds only where there are some (a time one
    /// millisecond outside the window must not read as the window's edge).
    static func text(_ ms: Int64) -> String { Timestamp.format(ms, millis: ms % 1000 != 0) }

    /// The note when the default as-of (now) hides everything of a key in an archive whose newest
    /// event is `newestInIndex`.
    package func latestNote(newestInIndex: Int64) -> String {
        "the window ends now (\(Self.text(asOf))) but the index ends \(Self.text(newestInIndex)): "
            + "`--as-of latest` answers as of the end of the archive"
    }
}
