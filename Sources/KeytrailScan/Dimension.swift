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
}
