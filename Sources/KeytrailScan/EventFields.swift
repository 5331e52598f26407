/// The members of one JSON object that keytrail reads (`EventField.table`): the event fields the
/// index keeps, and the members that reveal a container shape (SLS row, saved API responses).
///
/// Only members of the object itself and of its `userIdentity` are taken; a member of the same
/// name at any other depth is never read. One stored slot per `EventField` case, of the same name
/// (stored, so reading one costs nothing across modules; a test checks each names its own).
package struct EventFields: Sendable {
    /// `userIdentity.accessKeyId` (camelCase wins over `UserIdentity`/`AccessKeyId`).
    package var accessKeyId = FieldSlot()
    /// Top-level `serviceName`.
    package var serviceName = FieldSlot()
    /// Top-level `eventTime`.
    package var eventTime = FieldSlot()
    /// Top-level `eventId`.
    package var eventId = FieldSlot()
    /// Top-level `eventCategory`.
    package var eventCategory = FieldSlot()
    /// Top-level `eventType`.
    package var eventType = FieldSlot()
    /// An SLS row's `event` member (a JSON string holding the event, or an object).
    package var event = FieldSlot()
    /// `Events` (a saved LookupEvents or GetAccessKeyLastUsedEvents response when an array).
    package var events = FieldSlot()
    /// `Products` (a saved GetAccessKeyLastUsedProducts response when an array).
    package var products = FieldSlot()
    /// `Detail` (an element of a saved response's list when a string).
    package var detail = FieldSlot()
    /// Top-level `eventName`.
    package var eventName = FieldSlot()
    /// Top-level `sourceIpAddress`.
    package var sourceIpAddress = FieldSlot()
    /// Top-level `referencedResources` (an object: resource type → names).
    package var referencedResources = FieldSlot()
    /// Top-level `resourceType` (types separated by `;`).
    package var resourceType = FieldSlot()
    /// Top-level `resourceName` (`,` separates names of one type, `;` types).
    package var resourceName = FieldSlot()

    /// No members found yet.
    package init() {}

    /// The slot of `field`.
    package subscript(field: EventField) -> FieldSlot {
        @inline(__always) get {
            switch field {
            case .accessKeyId: return accessKeyId
            case .serviceName: return serviceName
            case .eventTime: return eventTime
            case .eventId: return eventId
            case .eventCategory: return eventCategory
            case .eventType: return eventType
            case .event: return event
            case .events: return events
            case .products: return products
            case .detail: return detail
            case .eventName: return eventName
            case .sourceIpAddress: return sourceIpAddress
            case .referencedResources: return referencedResources
            case .resourceType: return resourceType
            case .resourceName: return resourceName
            }
        }
        @inline(__always) set {
            switch field {
            case .accessKeyId: accessKeyId = newValue
            case .serviceName: serviceName = newValue
            case .eventTime: eventTime = newValue
            case .eventId: eventId = newValue
            case .eventCategory: eventCategory = newValue
            case .eventType: eventType = newValue
            case .event: event = newValue
            case .events: events = newValue
            case .products: products = newValue
            case .detail: detail = newValue
            case .eventName: eventName = newValue
            case .sourceIpAddress: sourceIpAddress = newValue
            case .referencedResources: referencedResources = newValue
            case .resourceType: resourceType = newValue
            case .resourceName: resourceName = newValue
            }
        }
    }
}
