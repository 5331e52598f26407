/// A member of an event object that keytrail reads: the one list of them, with their spellings and
/// the object each belongs to (`table`).
///
/// To read one more member: add a case here and its row to `table` (in the same place), then teach
/// the hand-tuned matcher (`JSONScanner.matchMember`, or `matchIdentityMember` for a member of
/// `userIdentity`) its spellings; a test checks the matcher against the table, every name and
/// every near miss. `EventFields` stores and resolves every field from the table alone.
package enum EventField: Int, CaseIterable, Sendable {
    case accessKeyId, serviceName, eventTime, eventId, eventCategory, eventType
    case event, events, products, detail
    case eventName, sourceIpAddress, referencedResources, resourceType, resourceName

    /// The object a field is a member of.
    package enum Object: Sendable {
        /// The event object itself (the top level of what `scanObject` scans).
        case event
        /// The event's `userIdentity` object (`UserIdentity` in the PascalCase samples).
        case userIdentity

        /// The spellings of the member that holds the object, if it is not the event itself.
        package var names: (camel: StaticString, pascal: StaticString)? {
            switch self {
            case .event: return nil
            case .userIdentity: return ("userIdentity", "UserIdentity")
            }
        }
    }

    /// One row of the table: a field's spellings and where it is a member.
    package struct Row: Sendable {
        /// The field (and so its slot in `EventFields`).
        package let field: EventField
        /// The camelCase name ActionTrail writes; nil when the member has only a PascalCase name.
        package let camel: StaticString?
        /// The PascalCase name (one published sample, saved API responses); nil when there is none.
        package let pascal: StaticString?
        /// The object whose member it is.
        package let object: Object

        init(_ field: EventField, _ camel: StaticString?, _ pascal: StaticString?, _ object: Object) {
            self.field = field
            self.camel = camel
            self.pascal = pascal
            self.object = object
        }
    }

    /// Every field, in case order. When both spellings are present the camelCase one wins; for a
    /// `userIdentity` field the camelCase `userIdentity` object wins first, even without the field.
    package static let table: [Row] = [
        // Row(field, camelCase name, PascalCase name, the object it is a member of)
        Row(.accessKeyId, "accessKeyId", "AccessKeyId", .userIdentity),
        Row(.serviceName, "serviceName", "ServiceName", .event),
        Row(.eventTime, "eventTime", "EventTime", .event),
        Row(.eventId, "eventId", "EventId", .event),
        Row(.eventCategory, "eventCategory", "EventCategory", .event),
        Row(.eventType, "eventType", "EventType", .event),
        // An SLS row's `event` (a JSON string holding the event, or an object).
        Row(.event, "event", nil, .event),
        // Saved API responses: LookupEvents' `Events`, GetAccessKeyLastUsedProducts' `Products`,
        // and the `Detail` string of their elements.
        Row(.events, nil, "Events", .event),
        Row(.products, nil, "Products", .event),
        Row(.detail, nil, "Detail", .event),
        Row(.eventName, "eventName", "EventName", .event),
        Row(.sourceIpAddress, "sourceIpAddress", "SourceIpAddress", .event),
        Row(.referencedResources, "referencedResources", "ReferencedResources", .event),
        Row(.resourceType, "resourceType", "ResourceType", .event),
        Row(.resourceName, "resourceName", "ResourceName", .event),
    ]

    /// Bit `rawValue` set for each field that is a member of `userIdentity`.
    static let userIdentityFields: UInt32 = table.reduce(0) { mask, row in
        row.object == .userIdentity ? mask | 1 << UInt32(row.field.rawValue) : mask
    }

    /// This field's row of `table`.
    package var row: Row { Self.table[rawValue] }
}
