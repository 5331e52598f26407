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

    /// The as-of rule, for every query: when the index holds an event of `key` (its newest is
    /// `newest`) after the window's end, it cannot know what was latest then — refuse.
    package func admit(key: String, newest: Int64?) throws(QueryError) {
        if let newest, newest > asOf { throw .asOfRefused(AsOfRefusal(accessKey: key, asOf: asOf, newest: newest)) }
    }

    /// The note for rows the index holds but this window leaves out: `lead` says what was last
    /// used when, `hidden` how much is hidden.
    package func hiddenNote(_ lead: String, hidden: String) -> String {
        "\(lead), before the \(days)-day window \(Timestamp.format(start, millis: true)) .. "
            + "\(Timestamp.format(asOf, millis: true)); \(hidden) hidden"
    }
}
