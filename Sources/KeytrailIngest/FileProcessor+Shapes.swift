import KeytrailScan
import KeytrailStore

extension FileProcessor {
    /// Scans one top-level value: an array of rows, an object (event or container), or a scalar.
    func topValue(_ s: JSONScanner, _ start: Int) throws(JSONError) -> Int {
        switch s[start] {
        case 0x7B:
            return try object(s, start, depth: 0, nesting: 0)
        case 0x5B:
            var j = s.skipWhitespace(start + 1)
            guard j < s.count else { throw JSONError(.unexpectedEnd, at: j) }
            if s[j] == 0x5D { return j + 1 }
            while true {
                guard j < s.count else { throw JSONError(.unexpectedEnd, at: j) }
                if s[j] == 0x7B {
                    j = try object(s, j, depth: 1, nesting: 0)
                } else {
                    j = try s.skipValue(j, depth: 1)
                    skipNonEvent()
                }
                j = s.skipWhitespace(j)
                guard j < s.count else { throw JSONError(.unexpectedEnd, at: j) }
                if s[j] == 0x2C {
                    j = s.skipWhitespace(j + 1)
                } else if s[j] == 0x5D {
                    return j + 1
                } else {
                    throw JSONError(.expectedCommaOrEnd, at: j)
                }
            }
        default:
            let end = try s.skipValue(start)
            skipNonEvent()
            return end
        }
    }

    /// Classifies an object: a saved response (`Events`/`Products` lists), an SLS row (`event`
    /// string), or an event.
    func object(_ s: JSONScanner, _ start: Int, depth: Int, nesting: Int) throws(JSONError) -> Int {
        var f = EventFields()
        let end = try s.scanObject(start, depth: depth, into: &f)
        if f.events.kind == .array || f.products.kind == .array {
            if f.events.kind == .array { try list(s, f.events, depth: depth + 1, nesting: nesting) }
            if f.products.kind == .array { try list(s, f.products, depth: depth + 1, nesting: nesting) }
        } else if f.event.kind == .string {
            try nested(s, f.event, nesting: nesting)
        } else if f.event.kind == .object && !f.accessKeyId.isPresent && !f.serviceName.isPresent {
            _ = try object(s, f.event.start, depth: depth + 1, nesting: nesting)
        } else {
            emit(s, f, start, end)
        }
        return end
    }

    /// The elements of a saved response's list: objects whose `Detail` string is an event, or events.
    func list(_ s: JSONScanner, _ slot: FieldSlot, depth: Int, nesting: Int) throws(JSONError) {
        var j = s.skipWhitespace(slot.start + 1)
        while j < slot.end && s[j] != 0x5D {
            if s[j] == 0x7B {
                var f = EventFields()
                let end = try s.scanObject(j, depth: depth, into: &f)
                if f.detail.kind == .string {
                    try nested(s, f.detail, nesting: nesting)
                } else {
                    emit(s, f, j, end)
                }
                j = end
            } else {
                j = try s.skipValue(j, depth: depth)
                skipNonEvent()
            }
            j = s.skipWhitespace(j)
            if j < slot.end && s[j] == 0x2C { j = s.skipWhitespace(j + 1) }
        }
    }

    /// A JSON string holding JSON text (an SLS row's `event`, a response's `Detail`): decoded into the
    /// arena and scanned as a document of its own. Errors point at the string in the outer text.
    func nested(_ s: JSONScanner, _ slot: FieldSlot, nesting: Int) throws(JSONError) {
        let quote = slot.start - 1
        guard nesting < Self.maxStringNesting else {
            throw JSONError(.nestedTooDeep(limit: Self.maxStringNesting), at: quote)
        }
        let dst = arena.allocate(slot.end - slot.start)
        let n = slot.escaped ? s.unescape(slot.start, slot.end, to: dst) : copy(s, slot, to: dst)
        let text = UnsafeRawBufferPointer(start: dst, count: n)
        let inner = JSONScanner(text)
        let outerAnchor = anchor
        if anchor == nil { anchor = s.address(quote) }
        defer { anchor = outerAnchor }
        do throws(JSONError) {
            var k = inner.skipWhitespace(0)
            guard k < inner.count else { throw JSONError(.empty, at: k) }
            if inner[k] == 0x7B {
                k = try object(inner, k, depth: 0, nesting: nesting + 1)
            } else {
                k = try inner.skipValue(k)
                skipNonEvent()
            }
            k = inner.skipWhitespace(k)
            guard k == inner.count else { throw JSONError(.trailingText, at: k) }
        } catch {
            let p = TextPosition(offset: error.offset, in: text)
            throw JSONError(.inNestedText(line: p.line, column: p.column, message: error.message), at: quote)
        }
    }

    private func copy(_ s: JSONScanner, _ slot: FieldSlot, to dst: UnsafeMutableRawPointer) -> Int {
        let n = slot.end - slot.start
        dst.copyMemory(from: s.address(slot.start), byteCount: n)
        return n
    }

    /// An event object: checks the fields the index needs and stages it.
    func emit(_ s: JSONScanner, _ f: EventFields, _ start: Int, _ end: Int) {
        unitCounts.read += 1
        let key = decoded(s, f.accessKeyId)
        guard let key, key.count > 0 else { return skip(.noAccessKey) }
        // SQLite refuses strings near 1 GB, and no real event is this large: skip it, pointing at it.
        guard end - start <= Self.maxDetailBytes else {
            return note(
                s, start, .detailTooLarge,
                "event of \(end - start) bytes is larger than the \(Self.maxDetailBytes >> 20) MiB kept for a Detail")
        }
        let service = decoded(s, f.serviceName)
        guard let service, service.count > 0 else { return skip(.noServiceName) }
        let timeText = decoded(s, f.eventTime)
        guard let timeText, let ts = Timestamp.parseRFC3339(timeText) else {
            let at = f.eventTime.isPresent ? f.eventTime.start : start
            let shown = timeText.map { String(decoding: $0.prefix(64), as: UTF8.self) }
            return note(
                s, at, .unparseableTime,
                shown.map { "unparseable eventTime \"\($0)\"" } ?? "eventTime missing or not a string")
        }
        if ts > until { return skip(.afterUntil) }
        let eventId = decoded(s, f.eventId) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let category = EventSource.Category(f.eventCategory.kind, text: decoded(s, f.eventCategory))
        let source = EventSource.classify(category: category, type: decoded(s, f.eventType))
        var c = Candidate(
            key: key, tag: DimensionTag.product(service, in: arena), eventId: eventId, detail: s.bytes(start, end),
            timestamp: ts, source: source)
        staged.append(c)
        guard siblings else {
            unitCounts.indexed += 1
            return
        }
        // The same event, offered to the sibling dimensions of its key and service.
        if let name = decoded(s, f.eventName), name.count > 0 {
            c.tag = DimensionTag.make(.event, service, name, nil, in: arena)
            staged.append(c)
        }
        if let ip = decoded(s, f.sourceIpAddress), ip.count > 0 {
            c.tag = DimensionTag.make(.ip, service, ip, nil, in: arena)
            staged.append(c)
        }
        var referenced = false
        s.forEachReferencedResource(f.referencedResources) { typeSlot, nameSlot in
            guard let type = decoded(s, typeSlot), type.count > 0, let name = decoded(s, nameSlot), name.count > 0
            else { return }
            referenced = true
            c.tag = DimensionTag.make(.resource, service, type, name, in: arena)
            staged.append(c)
        }
        if !referenced, let types = decoded(s, f.resourceType), let names = decoded(s, f.resourceName) {
            ResourceList.forEach(types: types, names: names) { type, name in
                c.tag = DimensionTag.make(.resource, service, type, name, in: arena)
                staged.append(c)
            }
        }
        unitCounts.indexed += 1
    }

    /// A string member's decoded bytes (unescaped into the arena when needed); nil when not a string.
    private func decoded(_ s: JSONScanner, _ slot: FieldSlot) -> UnsafeRawBufferPointer? {
        guard slot.kind == .string else { return nil }
        if !slot.escaped { return s.bytes(slot.start, slot.end) }
        let dst = arena.allocate(slot.end - slot.start)
        return UnsafeRawBufferPointer(start: dst, count: s.unescape(slot.start, slot.end, to: dst))
    }

    func skip(_ reason: SkipReason) {
        unitCounts.skipped[reason.rawValue] += 1
    }

    /// A value read where an event may be that is not an event object: counted as read, then skipped.
    func skipNonEvent() {
        unitCounts.read += 1
        skip(.notAnEvent)
    }

    private func note(_ s: JSONScanner, _ at: Int, _ reason: SkipReason, _ message: String) {
        skip(reason)
        if unitNotes.count < Self.maxNotes { unitNotes.append((anchor ?? s.address(at), reason, message)) }
    }
}
