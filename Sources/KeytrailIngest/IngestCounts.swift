/// Why an event was skipped (not a rejection: skipped events alone leave the exit status 0).
public enum SkipReason: Int, CaseIterable, Sendable {
    case noAccessKey, noServiceName, unparseableTime, notAnEvent, afterUntil, detailTooLarge

    /// The name used in summaries and `--json`.
    public var name: String {
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
public struct EventCounts: Equatable, Sendable {
    /// Event objects read (plus top-level scalars and other non-events).
    public var read = 0
    /// Events offered to the index.
    public var indexed = 0
    /// Skipped events by reason (indexed by `SkipReason.rawValue`).
    public var skipped = [Int](repeating: 0, count: SkipReason.allCases.count)

    /// No events.
    public init() {}

    /// Events skipped for `reason`.
    public func skipped(_ reason: SkipReason) -> Int { skipped[reason.rawValue] }

    /// All skipped events.
    public var totalSkipped: Int { skipped.reduce(0, +) }

    mutating func add(_ o: EventCounts) {
        read += o.read
        indexed += o.indexed
        for i in skipped.indices { skipped[i] += o.skipped[i] }
    }
}

/// A skipped event worth pointing at (an unparseable time), with its position.
public struct SkipNote: Equatable, Sendable {
    /// The input file.
    public var path: String
    /// 1-based line.
    public var line: Int
    /// 1-based column in bytes.
    public var column: Int
    /// Why it was skipped.
    public var reason: SkipReason
    /// Details, e.g. the offending value.
    public var message: String
}

/// Input that was rejected: a file, a line or a document that contributed nothing.
public struct Rejection: Equatable, Sendable {
    /// The class of problem.
    public enum Kind: String, Sendable {
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
    public var path: String
    /// What kind of problem.
    public var kind: Kind
    /// 1-based line, when the problem is in the text.
    public var line: Int?
    /// 1-based column in bytes, when the problem is in the text.
    public var column: Int?
    /// Compressed byte offset, for gzip problems.
    public var offset: Int?
    /// What was wrong.
    public var message: String

    /// `path:line:column: error: message` (or `path: error: …` without a position).
    public var formatted: String {
        var where_ = path
        if let line, let column { where_ += ":\(line):\(column)" }
        if let offset { where_ += " (compressed byte \(offset))" }
        return "\(where_): error: \(message)"
    }
}
