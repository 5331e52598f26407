/// Where one member value was found in the scanned buffer, and what kind of value it was.
public struct FieldSlot: Sendable, Equatable {
    /// What kind of value a member held.
    public enum Kind: UInt8, Sendable {
        case absent, string, null, object, array, other
    }

    /// What the member held; `.absent` when the object had no such member.
    public var kind: Kind = .absent
    /// For strings, the body between the quotes; otherwise the whole value.
    public var start = 0
    /// End (exclusive) matching `start`.
    public var end = 0
    /// Whether a string body contains backslash escapes.
    public var escaped = false

    /// An absent member.
    public init() {}

    /// A member of `kind` spanning `start..<end`.
    public init(_ kind: Kind, _ start: Int, _ end: Int, escaped: Bool = false) {
        self.kind = kind
        self.start = start
        self.end = end
        self.escaped = escaped
    }

    /// Whether the member is a string.
    @inline(__always) public var isString: Bool { kind == .string }
    /// Whether the member is present at all.
    @inline(__always) public var isPresent: Bool { kind != .absent }
}

/// The members of one JSON object that keytrail reads: the event fields the index keeps, and the
/// members that reveal a container shape (SLS row, saved API responses).
///
/// Only members of the object itself and of its `userIdentity` are taken; a member of the same
/// name at any other depth is never read.
public struct EventFields: Sendable {
    /// `userIdentity.accessKeyId` (camelCase wins over `UserIdentity`/`AccessKeyId`).
    public var accessKeyId = FieldSlot()
    /// Top-level `serviceName`.
    public var serviceName = FieldSlot()
    /// Top-level `eventTime`.
    public var eventTime = FieldSlot()
    /// Top-level `eventId`.
    public var eventId = FieldSlot()
    /// Top-level `eventCategory`.
    public var eventCategory = FieldSlot()
    /// Top-level `eventType`.
    public var eventType = FieldSlot()
    /// An SLS row's `event` member (a JSON string holding the event, or an object).
    public var event = FieldSlot()
    /// `Events` (a saved LookupEvents or GetAccessKeyLastUsedEvents response when an array).
    public var events = FieldSlot()
    /// `Products` (a saved GetAccessKeyLastUsedProducts response when an array).
    public var products = FieldSlot()
    /// `Detail` (an element of a saved response's list when a string).
    public var detail = FieldSlot()
    /// Top-level `eventName`.
    public var eventName = FieldSlot()
    /// Top-level `sourceIpAddress`.
    public var sourceIpAddress = FieldSlot()
    /// Top-level `referencedResources` (an object: resource type → names).
    public var referencedResources = FieldSlot()
    /// Top-level `resourceType` (types separated by `;`).
    public var resourceType = FieldSlot()
    /// Top-level `resourceName` (`,` separates names of one type, `;` types).
    public var resourceName = FieldSlot()

    /// No members found yet.
    public init() {}
}
