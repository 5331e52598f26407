/// What the matcher made of a member name: nothing keytrail reads, the `userIdentity` object, or
/// a field of `EventField.table` — each in its camelCase or PascalCase spelling.
package enum EventMember: Equatable, Sendable {
    /// A name keytrail does not read.
    case none
    /// `userIdentity` (`UserIdentity` when `pascal`), the object that holds the `.userIdentity` fields.
    case userIdentity(pascal: Bool)
    /// A field, by its camelCase name or (`pascal`) its PascalCase one.
    case field(EventField, pascal: Bool)
}

extension JSONScanner {
    @inline(__always) func equals(_ start: Int, _ end: Int, _ name: StaticString) -> Bool {
        let n = name.utf8CodeUnitCount
        guard end - start == n else { return false }
        let p = name.utf8Start
        var k = 0
        while k < n {
            if base[start + k] != p[k] { return false }
            k += 1
        }
        return true
    }

    /// Identifies a member name of the event object (`.event` rows of `EventField.table`, and the
    /// `userIdentity` object); escaped names are decoded first. Hand-tuned (length, then first
    /// byte) for the scan loop; a test checks it against the table, name by name and near miss by
    /// near miss.
    package func matchMember(_ start: Int, _ end: Int, escaped: Bool) -> EventMember {
        if escaped {
            var decoded: [UInt8] = []
            unescape(start, end, into: &decoded)
            return decoded.withUnsafeBytes { JSONScanner($0).matchMember(0, $0.count, escaped: false) }
        }
        switch end - start {
        case 5: return equals(start, end, "event") ? .field(.event, pascal: false) : .none
        case 6:
            if equals(start, end, "Events") { return .field(.events, pascal: true) }
            return equals(start, end, "Detail") ? .field(.detail, pascal: true) : .none
        case 7:
            if equals(start, end, "eventId") { return .field(.eventId, pascal: false) }
            return equals(start, end, "EventId") ? .field(.eventId, pascal: true) : .none
        case 8: return equals(start, end, "Products") ? .field(.products, pascal: true) : .none
        case 9:
            switch base[start] {
            case 0x65:
                if equals(start, end, "eventTime") { return .field(.eventTime, pascal: false) }
                if equals(start, end, "eventName") { return .field(.eventName, pascal: false) }
                return equals(start, end, "eventType") ? .field(.eventType, pascal: false) : .none
            case 0x45:
                if equals(start, end, "EventTime") { return .field(.eventTime, pascal: true) }
                if equals(start, end, "EventName") { return .field(.eventName, pascal: true) }
                return equals(start, end, "EventType") ? .field(.eventType, pascal: true) : .none
            default: return .none
            }
        case 11:
            if equals(start, end, "serviceName") { return .field(.serviceName, pascal: false) }
            return equals(start, end, "ServiceName") ? .field(.serviceName, pascal: true) : .none
        case 12:
            switch base[start] {
            case 0x75: return equals(start, end, "userIdentity") ? .userIdentity(pascal: false) : .none
            case 0x55: return equals(start, end, "UserIdentity") ? .userIdentity(pascal: true) : .none
            case 0x72:
                if equals(start, end, "resourceType") { return .field(.resourceType, pascal: false) }
                return equals(start, end, "resourceName") ? .field(.resourceName, pascal: false) : .none
            case 0x52:
                if equals(start, end, "ResourceType") { return .field(.resourceType, pascal: true) }
                return equals(start, end, "ResourceName") ? .field(.resourceName, pascal: true) : .none
            default: return .none
            }
        case 13:
            if equals(start, end, "eventCategory") { return .field(.eventCategory, pascal: false) }
            return equals(start, end, "EventCategory") ? .field(.eventCategory, pascal: true) : .none
        case 15:
            if equals(start, end, "sourceIpAddress") { return .field(.sourceIpAddress, pascal: false) }
            return equals(start, end, "SourceIpAddress") ? .field(.sourceIpAddress, pascal: true) : .none
        case 19:
            if equals(start, end, "referencedResources") { return .field(.referencedResources, pascal: false) }
            return equals(start, end, "ReferencedResources") ? .field(.referencedResources, pascal: true) : .none
        default: return .none
        }
    }

    /// Identifies a member name of a `userIdentity` object (`.userIdentity` rows of
    /// `EventField.table`); escaped names are decoded first. Checked against the table in a test.
    package func matchIdentityMember(_ start: Int, _ end: Int, escaped: Bool) -> EventMember {
        if escaped {
            var decoded: [UInt8] = []
            unescape(start, end, into: &decoded)
            return decoded.withUnsafeBytes { JSONScanner($0).matchIdentityMember(0, $0.count, escaped: false) }
        }
        guard end - start == 11 else { return .none }
        if equals(start, end, "accessKeyId") { return .field(.accessKeyId, pascal: false) }
        return equals(start, end, "AccessKeyId") ? .field(.accessKeyId, pascal: true) : .none
    }
}
