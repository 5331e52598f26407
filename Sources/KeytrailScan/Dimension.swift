/// What a row of the index is the latest event of, beside its AccessKey.
package enum Dimension: UInt8, Sendable, CaseIterable {
    /// Per service (GetAccessKeyLastUsedProducts; Info reads these rows too).
    case product = 0
    /// Per (service, eventName) (GetAccessKeyLastUsedEvents).
    case event = 1
    /// Per (service, sourceIpAddress) (GetAccessKeyLastUsedIps).
    case ip = 2
    /// Per (service, resource type, resource name) (GetAccessKeyLastUsedResources).
    case resource = 3
    /// Per (service, UTC day, eventId): the key's activity. Reduced like the others (the latest
    /// time of each eventId a day), but stored in the `activity` table, holding no Detail.
    case activity = 4

    /// The UTC day of `ts` (epoch ms): days since 1970-01-01, floored.
    package static func day(_ ts: Int64) -> Int64 {
        ts >= 0 ? ts / 86_400_000 : (ts - 86_399_999) / 86_400_000
    }
}
