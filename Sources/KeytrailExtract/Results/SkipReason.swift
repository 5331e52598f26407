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
