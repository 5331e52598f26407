extension JSONScanner {
    /// Validates the object at `start` (its `{`), which sits inside `depth` containers, and collects
    /// its `EventFields` into `fields` (which starts empty), by the precedence rules of
    /// `EventField.table`. Returns the offset after the closing brace.
    package func scanObject(_ start: Int, depth: Int, into fields: inout EventFields) throws(JSONError) -> Int {
        try scanMembers(of: .event, start, depth: depth, into: &fields)
    }

    /// The one member loop of `scanObject` and `scanIdentity`: validates the object at `start`,
    /// matching each member name against `object`'s rows of `EventField.table`.
    @inline(__always)
    func scanMembers(
        of object: EventField.Object, _ start: Int, depth: Int, into fields: inout EventFields
    ) throws(JSONError) -> Int {
        // Bit i: field i's camelCase name was seen, so its PascalCase one no longer counts.
        var camelSeen: UInt32 = 0
        // A camelCase `userIdentity` wins over `UserIdentity`, even without a key.
        var camelIdentity = false
        let inner = depth + 1
        if inner > Self.maxDepth { throw JSONError(.tooDeep(limit: Self.maxDepth), at: start) }
        var i = skipWhitespace(start + 1)
        guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
        if base[i] == 0x7D { return i + 1 }
        while true {
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            guard base[i] == 0x22 else { throw JSONError(.expectedKey, at: i) }
            let key = try scanString(i)
            let member =
                object == .event
                ? matchMember(i + 1, key.end - 1, escaped: key.hasEscapes)
                : matchIdentityMember(i + 1, key.end - 1, escaped: key.hasEscapes)
            i = skipWhitespace(key.end)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            guard base[i] == 0x3A else { throw JSONError(.expectedColon, at: i) }
            i = skipWhitespace(i + 1)
            guard i < count else { throw JSONError(.unexpectedEnd, at: i) }
            switch member {
            case .none:
                i = try skipValue(i, depth: inner)
            case .userIdentity(let pascal):
                // A repeated `userIdentity` replaces what the earlier one said, keys included.
                if !pascal {
                    camelIdentity = true
                    i = try identityValue(i, depth: inner, into: &fields)
                } else if camelIdentity {
                    var outranked = EventFields()
                    i = try identityValue(i, depth: inner, into: &outranked)
                } else {
                    i = try identityValue(i, depth: inner, into: &fields)
                }
            case .field(let field, let pascal):
                let (slot, end) = try slotValue(i, depth: inner)
                i = end
                store(slot, field, pascal: pascal, into: &fields, camelSeen: &camelSeen)
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

    /// Stores a field's slot: a camelCase name always (the last one wins), a PascalCase name
    /// unless the camelCase one was seen.
    @inline(__always) func store(
        _ slot: FieldSlot, _ field: EventField, pascal: Bool, into fields: inout EventFields, camelSeen: inout UInt32
    ) {
        let bit: UInt32 = 1 << UInt32(field.rawValue)
        if !pascal {
            fields[field] = slot
            camelSeen |= bit
        } else if camelSeen & bit == 0 {
            fields[field] = slot
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

    /// Scans the value of a `userIdentity` member into the `userIdentity` fields of `target`, all
    /// of which it sets (absent when the value is not an object or lacks them).
    func identityValue(_ i: Int, depth: Int, into target: inout EventFields) throws(JSONError) -> Int {
        var fields = EventField.userIdentityFields
        while fields != 0 {
            target[EventField(rawValue: fields.trailingZeroBitCount).unsafelyUnwrapped] = FieldSlot()
            fields &= fields &- 1
        }
        guard base[i] == 0x7B else { return try skipValue(i, depth: depth) }
        return try scanIdentity(i, depth: depth, into: &target)
    }

    /// Scans a `userIdentity` object, taking only its own members of `EventField.table`'s
    /// `.userIdentity` rows.
    func scanIdentity(_ start: Int, depth: Int, into fields: inout EventFields) throws(JSONError) -> Int {
        try scanMembers(of: .userIdentity, start, depth: depth, into: &fields)
    }

    /// Decodes `string` slot bytes (unescaping when needed) and calls `body` with them.
    package func withDecoded<R>(_ slot: FieldSlot, scratch: inout [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if !slot.escaped { return body(bytes(slot.start, slot.end)) }
        scratch.removeAll(keepingCapacity: true)
        unescape(slot.start, slot.end, into: &scratch)
        return scratch.withUnsafeBytes { body($0) }
    }
}
