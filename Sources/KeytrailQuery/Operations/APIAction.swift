package import KeytrailScan

/// The five operations of ActionTrail 2020-07-06 that keytrail answers.
package enum APIAction: String, CaseIterable, Sendable {
    case products = "GetAccessKeyLastUsedProducts"
    case info = "GetAccessKeyLastUsedInfo"
    case events = "GetAccessKeyLastUsedEvents"
    case ips = "GetAccessKeyLastUsedIps"
    case resources = "GetAccessKeyLastUsedResources"

    /// The command-line command that asks it (`keytrail products`, `keytrail info`, …).
    package var command: String {
        switch self {
        case .products: return "products"
        case .info: return "info"
        case .events: return "events"
        case .ips: return "ips"
        case .resources: return "resources"
        }
    }

    /// The listing this action pages through (nil for Products and Info).
    package var listing: Listing? {
        switch self {
        case .products, .info: return nil
        case .events: return .events
        case .ips: return .ips
        case .resources: return .resources
        }
    }
}

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

    /// What one row is the latest call per, for people (column headers, notes).
    package var rowNoun: String {
        switch self {
        case .events: return "API name"
        case .ips: return "source IP"
        case .resources: return "resource"
        }
    }
}
