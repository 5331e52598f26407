package import KeytrailScan

/// The three listings (Events, Ips, Resources): what each one is, as exhaustive properties, so a
/// new listing cannot borrow another's names or fields.
package enum Listing: String, CaseIterable, Sendable {
    case events, ips, resources

    /// The operation that answers it.
    package var action: APIAction {
        switch self {
        case .events: return .events
        case .ips: return .ips
        case .resources: return .resources
        }
    }

    /// The index rows it lists.
    package var dimension: Dimension {
        switch self {
        case .events: return .event
        case .ips: return .ip
        case .resources: return .resource
        }
    }

    /// The response's list member.
    package var listName: String {
        switch self {
        case .events: return "Events"
        case .ips: return "Ips"
        case .resources: return "Resources"
        }
    }

    /// The members that name a row, in the response's order, with the row's value for each:
    /// a row's `name` and (resources only) `sub`.
    package var nameFields: [(member: String, isSub: Bool)] {
        switch self {
        case .events: return [("EventName", false)]
        case .ips: return [("Ip", false)]
        case .resources: return [("ResourceName", true), ("ResourceType", false)]
        }
    }
}
