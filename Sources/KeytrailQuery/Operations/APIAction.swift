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
