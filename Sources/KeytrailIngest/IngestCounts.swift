/// Why an event was skipped (not a rejection: skipped events alone leave the exit status 0).
package enum SkipReason: Int, CaseIterable, Sendable {
    case noAccessKey, noServiceName, unparseableTime, notAnEvent, afterUntil, detailTooLarge

    /// The name used in summaries and `--json`.
    package var name: String {
        switch self {
        case .noAccessKey: return "no_access_key"
        case .noServiceName: return "no_service_name"
        case .unparseableTime: return "unparseable_time"
        case .notAnEvent: return "not_an_event"
        case .afterUntil: return "after_until"
        case .detailTooLarge: return "detail_too_large"
        }
    }
}

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

    mutating func add(_ o: EventCounts) {
        read += o.read
        indexed += o.indexed
        for i in skipped.indices { skipped[i] += o.skipped[i] }
    }
}

/// A skipped event worth pointing at (an unparseable time), with its position.
package struct SkipNote: Equatable, Sendable {
    /// The input file.
    package var path: String
    /// 1-based line.
    package var line: Int
    /// 1-based column in bytes.
    package var column: Int
    /// Why it was skipped.
    package var reason: SkipReason
    /// Details, e.g. the offending value.
    package var message: String
}

/// Input that was rejected: a file, a line or a document that contributed nothing.
package struct Rejection: Equatable, Sendable {
    /// The class of problem.
    package enum Kind: String, Sendable {
        /// Malformed JSON.
        case json
        /// No JSON value at all.
        case empty
        /// A truncated or corrupt gzip stream.
        case gzip
        /// The file could not be found, opened or read.
        case io
    }

    /// The input file (`-` for standard input).
    package var path: String
    /// What kind of problem.
    package var kind: Kind
    /// 1-based line, when the problem is in the text.
    package var line: Int?
    /// 1-based column in bytes, when the problem is in the text.
    package var column: Int?
    /// Compressed byte offset, for gzip problems.
    package var offset: Int?
    /// What was wrong.
    package var message: String

    /// `path:line:column: error: message` (or `path: error: …` without a position).
    package var formatted: String {
        var where_ = path
        if let line, let column { where_ += ":\(line):\(column)" }
        if let offset { where_ += " (compressed byte \(offset))" }
        return "\(where_): error: \(message)"
    }
}
