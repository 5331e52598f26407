/// Where one member value was found in the scanned buffer, and what kind of value it was.
package struct FieldSlot: Sendable, Equatable {
    /// What kind of value a member held.
    package enum Kind: UInt8, Sendable {
        case absent, string, null, object, array, other
    }

    /// What the member held; `.absent` when the object had no such member.
    package var kind: Kind = .absent
    /// For strings, the body between the quotes; otherwise the whole value.
    package var start = 0
    /// End (exclusive) matching `start`.
    package var end = 0
    /// Whether a string body contains backslash escapes.
    package var escaped = false

    /// An absent member.
    package init() {}

    /// A member of `kind` spanning `start..<end`.
    package init(_ kind: Kind, _ start: Int, _ end: Int, escaped: Bool = false) {
        self.kind = kind
        self.start = start
        self.end = end
        self.escaped = escaped
    }

    /// Whether the member is a string.
    @inline(__always) package var isString: Bool { kind == .string }
    /// Whether the member is present at all.
    @inline(__always) package var isPresent: Bool { kind != .absent }
}

/// The members of one JSON object that keytrail reads: the event fields the index keeps, and the
/// members that reveal a container shape (SLS row, saved API responses).
///
/// Only members of the object itself and of its `userIdentity` are taken; a member of the same
/// name at any other depth is never read.
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
}
