extension JSONScanner {
    /// Validates the object at `start` (its `{`), which sits inside `depth` containers, and collects
    /// its `EventFields`. Returns the offset after the closing brace.
    package func scanObject(_ start: Int, depth: Int, into fields: inout EventFields) throws(JSONError) -> Int {
        var pascal = PascalSlots()
        let inner = depth + 1
        if inner > Self.maxDepth { throw JSONError(.tooDeep(limit: Self.maxDepth), at: start) }
        var i = skipWhitespace(start + 1)
        guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
        if base[i] == 0x7D { return i + 1 }
        while true {
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            guard base[i] == 0x22 else { throw JSONError(.expectedKey, at: i) }
            let key = try scanString(i)
            let member = matchMember(i + 1, key.end - 1, escaped: key.hasEscapes)
            i = skipWhitespace(key.end)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            guard base[i] == 0x3A else { throw JSONError(.expectedColon, at: i) }
            i = skipWhitespace(i + 1)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            switch member {
            case .none:
                i = try skipValue(i, depth: inner)
            case .userIdentity, .UserIdentity:
                var ak = FieldSlot()
                var akPascal = FieldSlot()
                if base[i] == 0x7B {
                    i = try scanIdentity(i, depth: inner, camel: &ak, pascal: &akPascal)
                } else {
                    i = try skipValue(i, depth: inner)
                }
                if member == .userIdentity {
                    pascal.hasCamelIdentity = true
                    pascal.identityCamel = ak
                    pascal.identityPascal = akPascal
                } else {
                    pascal.upperIdentityCamel = ak
                    pascal.upperIdentityPascal = akPascal
                }
            default:
                let (slot, end) = try slotValue(i, depth: inner)
                i = end
                switch member {
                case .serviceName: fields.serviceName = slot
                case .ServiceName: pascal.serviceName = slot
                case .eventTime: fields.eventTime = slot
                case .EventTime: pascal.eventTime = slot
                case .eventId: fields.eventId = slot
                case .EventId: pascal.eventId = slot
                case .eventCategory: fields.eventCategory = slot
                case .EventCategory: pascal.eventCategory = slot
                case .eventType: fields.eventType = slot
                case .EventType: pascal.eventType = slot
                case .event: fields.event = slot
                case .Events: fields.events = slot
                case .Products: fields.products = slot
                case .Detail: fields.detail = slot
                case .eventName: fields.eventName = slot
                case .EventName: pascal.eventName = slot
                case .sourceIpAddress: fields.sourceIpAddress = slot
                case .SourceIpAddress: pascal.sourceIpAddress = slot
                case .referencedResources: fields.referencedResources = slot
                case .ReferencedResources: pascal.referencedResources = slot
                case .resourceType: fields.resourceType = slot
                case .ResourceType: pascal.resourceType = slot
                case .resourceName: fields.resourceName = slot
                case .ResourceName: pascal.resourceName = slot
                default: break
                }
            }
            i = skipWhitespace(i)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            let c = base[i]
            if c == 0x2C {
                i = skipWhitespace(i + 1)
            } else if c == 0x7D {
                pascal.resolve(into: &fields)
                return i + 1
            } else {
                throw JSONError(.expectedCommaOrEnd, at: i)
            }
        }
    }

    /// Scans a member value into a slot: strings keep their body, containers and scalars their extent.
    @inline(__always) func slotValue(_ i: Int, depth: Int) throws(JSONError) -> (FieldSlot, Int) {
        let c = base[i]
        if c == 0x22 {
            let s = try scanString(i)
            return (FieldSlot(.string, i + 1, s.end - 1, escaped: s.hasEscapes), s.end)
        }
        let end = try skipValue(i, depth: depth)
        let kind: FieldSlot.Kind = c == 0x7B ? .object : c == 0x5B ? .array : c == 0x6E ? .null : .other
        return (FieldSlot(kind, i, end), end)
    }

    /// Scans a `userIdentity` object, taking only its own `accessKeyId` / `AccessKeyId`.
    func scanIdentity(
        _ start: Int,
        depth: Int,
        camel: inout FieldSlot,
        pascal: inout FieldSlot
    ) throws(JSONError) -> Int {
        let inner = depth + 1
        if inner > Self.maxDepth { throw JSONError(.tooDeep(limit: Self.maxDepth), at: start) }
        var i = skipWhitespace(start + 1)
        guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
        if base[i] == 0x7D { return i + 1 }
        while true {
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            guard base[i] == 0x22 else { throw JSONError(.expectedKey, at: i) }
            let key = try scanString(i)
            let which = matchAccessKeyId(i + 1, key.end - 1, escaped: key.hasEscapes)
            i = skipWhitespace(key.end)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            guard base[i] == 0x3A else { throw JSONError(.expectedColon, at: i) }
            i = skipWhitespace(i + 1)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            if which == 0 {
                i = try skipValue(i, depth: inner)
            } else {
                let (slot, end) = try slotValue(i, depth: inner)
                i = end
                if which == 1 { camel = slot } else { pascal = slot }
            }
            i = skipWhitespace(i)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            let c = base[i]
            if c == 0x2C {
                i = skipWhitespace(i + 1)
            } else if c == 0x7D {
                return i + 1
            } else {
                throw JSONError(.expectedCommaOrEnd, at: i)
            }
        }
    }

    /// Decodes `string` slot bytes (unescaping when needed) and calls `body` with them.
    package func withDecoded<R>(_ slot: FieldSlot, scratch: inout [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if !slot.escaped { return body(bytes(slot.start, slot.end)) }
        scratch.removeAll(keepingCapacity: true)
        unescape(slot.start, slot.end, into: &scratch)
        return scratch.withUnsafeBytes { body($0) }
    }
}

/// Member names keytrail reads from an event object.
enum Member: UInt8 {
    case none
    case serviceName, ServiceName, eventTime, EventTime, eventId, EventId
    case eventCategory, EventCategory, eventType, EventType
    case userIdentity, UserIdentity, event, Events, Products, Detail
    case eventName, EventName, sourceIpAddress, SourceIpAddress, referencedResources, ReferencedResources
    case resourceType, ResourceType, resourceName, ResourceName
}

/// The PascalCase spellings seen while scanning; camelCase members win when both are present.
struct PascalSlots {
    var serviceName = FieldSlot()
    var eventTime = FieldSlot()
    var eventId = FieldSlot()
    var eventCategory = FieldSlot()
    var eventType = FieldSlot()
    var eventName = FieldSlot()
    var sourceIpAddress = FieldSlot()
    var referencedResources = FieldSlot()
    var resourceType = FieldSlot()
    var resourceName = FieldSlot()
    var identityCamel = FieldSlot()
    var identityPascal = FieldSlot()
    var upperIdentityCamel = FieldSlot()
    var upperIdentityPascal = FieldSlot()
    /// Whether a camelCase `userIdentity` member was seen: then it wins even without a key, as for other fields.
    var hasCamelIdentity = false

    func resolve(into f: inout EventFields) {
        if !f.serviceName.isPresent { f.serviceName = serviceName }
        if !f.eventTime.isPresent { f.eventTime = eventTime }
        if !f.eventId.isPresent { f.eventId = eventId }
        if !f.eventCategory.isPresent { f.eventCategory = eventCategory }
        if !f.eventType.isPresent { f.eventType = eventType }
        if !f.eventName.isPresent { f.eventName = eventName }
        if !f.sourceIpAddress.isPresent { f.sourceIpAddress = sourceIpAddress }
        if !f.referencedResources.isPresent { f.referencedResources = referencedResources }
        if !f.resourceType.isPresent { f.resourceType = resourceType }
        if !f.resourceName.isPresent { f.resourceName = resourceName }
        if hasCamelIdentity {
            f.accessKeyId = identityCamel.isPresent ? identityCamel : identityPascal
        } else {
            f.accessKeyId = upperIdentityCamel.isPresent ? upperIdentityCamel : upperIdentityPascal
        }
    }
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

    /// Identifies a top-level member name; escaped names are decoded first.
    func matchMember(_ start: Int, _ end: Int, escaped: Bool) -> Member {
        if escaped {
            var decoded: [UInt8] = []
            unescape(start, end, into: &decoded)
            return decoded.withUnsafeBytes { JSONScanner($0).matchMember(0, $0.count, escaped: false) }
        }
        switch end - start {
        case 5: return equals(start, end, "event") ? .event : .none
        case 6:
            if equals(start, end, "Events") { return .Events }
            return equals(start, end, "Detail") ? .Detail : .none
        case 7:
            if equals(start, end, "eventId") { return .eventId }
            return equals(start, end, "EventId") ? .EventId : .none
        case 8: return equals(start, end, "Products") ? .Products : .none
        case 9:
            switch base[start] {
            case 0x65:
                if equals(start, end, "eventTime") { return .eventTime }
                if equals(start, end, "eventName") { return .eventName }
                return equals(start, end, "eventType") ? .eventType : .none
            case 0x45:
                if equals(start, end, "EventTime") { return .EventTime }
                if equals(start, end, "EventName") { return .EventName }
                return equals(start, end, "EventType") ? .EventType : .none
            default: return .none
            }
        case 11:
            if equals(start, end, "serviceName") { return .serviceName }
            return equals(start, end, "ServiceName") ? .ServiceName : .none
        case 12:
            switch base[start] {
            case 0x75: return equals(start, end, "userIdentity") ? .userIdentity : .none
            case 0x55: return equals(start, end, "UserIdentity") ? .UserIdentity : .none
            case 0x72:
                if equals(start, end, "resourceType") { return .resourceType }
                return equals(start, end, "resourceName") ? .resourceName : .none
            case 0x52:
                if equals(start, end, "ResourceType") { return .ResourceType }
                return equals(start, end, "ResourceName") ? .ResourceName : .none
            default: return .none
            }
        case 15:
            if equals(start, end, "sourceIpAddress") { return .sourceIpAddress }
            return equals(start, end, "SourceIpAddress") ? .SourceIpAddress : .none
        case 19:
            if equals(start, end, "referencedResources") { return .referencedResources }
            return equals(start, end, "ReferencedResources") ? .ReferencedResources : .none
        case 13:
            if equals(start, end, "eventCategory") { return .eventCategory }
            return equals(start, end, "EventCategory") ? .EventCategory : .none
        default: return .none
        }
    }

    /// 1 for `accessKeyId`, 2 for `AccessKeyId`, 0 otherwise.
    func matchAccessKeyId(_ start: Int, _ end: Int, escaped: Bool) -> Int {
        if escaped {
            var decoded: [UInt8] = []
            unescape(start, end, into: &decoded)
            return decoded.withUnsafeBytes { JSONScanner($0).matchAccessKeyId(0, $0.count, escaped: false) }
        }
        guard end - start == 11 else { return 0 }
        if equals(start, end, "accessKeyId") { return 1 }
        return equals(start, end, "AccessKeyId") ? 2 : 0
    }
}
