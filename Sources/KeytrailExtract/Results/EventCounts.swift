/// Event counters of a unit, a file or a run.
package struct EventCounts: Equatable, Sendable {
    /// Event objects read (plus top-level scalars and other non-events).
    package var read = 0
    /// Events offered to the index.
    package var indexed = 0
    /// Skipped events by reason (indexed by `SkipReason.rawValue`).
    package var skipped = [Int](repeating: 0, count: SkipReason.allCases.count)

    /// No events.
    package init() {}

    /// Events skipped for `reason`.
    package func skipped(_ reason: SkipReason) -> Int { skipped[reason.rawValue] }

    /// All skipped events.
    package var totalSkipped: Int { skipped.reduce(0, +) }

    /// Adds `o`'s counters to these.
    package mutating func add(_ o: EventCounts) {
        read += o.read
        indexed += o.indexed
        for i in skipped.indices { skipped[i] += o.skipped[i] }
    }
}
