import KeytrailScan

extension FileProcessor {
    /// Scans one top-level value: an array of rows, an object (event or container), or a scalar.
    func topValue(_ s: JSONScanner, _ start: Int) throws(JSONError) -> Int {
        unitValues += 1
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
    /// string), an event, or an envelope around events (DESIGN "Envelopes"); an object with no
    /// event anywhere is `not_an_event`.
    func object(_ s: JSONScanner, _ start: Int, depth: Int, nesting: Int) throws(JSONError) -> Int {
        var f = EventFields()
        let end = try s.scanObject(start, depth: depth, into: &f)
        if f.events.kind == .array || f.products.kind == .array {
            // A saved response is ActionTrail content even when its list is empty.
            unitEvents += 1
            if f.events.kind == .array { try list(s, f.events, depth: depth + 1, nesting: nesting) }
            if f.products.kind == .array { try list(s, f.products, depth: depth + 1, nesting: nesting) }
        } else if f.event.kind == .string {
            try nested(s, f.event, nesting: nesting)
        } else if f.event.kind == .object && !f.accessKeyId.isPresent && !f.serviceName.isPresent {
            _ = try object(s, f.event.start, depth: depth + 1, nesting: nesting)
        } else if Self.isEvent(f) {
            emit(s, f, start, end)
        } else if !envelope(s, start, depth: depth, nesting: nesting, levels: 2) {
            skipNonEvent()
        }
        return end
    }

    /// Whether an object is an event: it has `eventTime` or `eventId` (either spelling).
    @inline(__always) static func isEvent(_ f: EventFields) -> Bool {
        f.eventTime.isPresent || f.eventId.isPresent
    }

    /// Searches the members of an object that is neither an event nor a response shape, `levels`
    /// deep, for values that are events: objects, or strings holding one (SLS GetLogs rows'
    /// `contents.event`, shippers' `message`, SIEM columns). Returns whether it found any. The
    /// object was validated, so nothing here fails: a string that is not one JSON object is a
    /// message, not an event.
    func envelope(_ s: JSONScanner, _ start: Int, depth: Int, nesting: Int, levels: Int) -> Bool {
        var found = false
        s.forEachMemberValue(start, depth: depth) { v in
            switch v.kind {
            case .object:
                var f = EventFields()
                guard let end = try? s.scanObject(v.start, depth: depth + 1, into: &f) else { return }
                if Self.isEvent(f) {
                    emit(s, f, v.start, end)
                    found = true
                } else if levels > 1 && envelope(s, v.start, depth: depth + 1, nesting: nesting, levels: levels - 1) {
                    found = true
                }
            case .string:
                if wrapped(s, v, nesting: nesting, levels: levels) { found = true }
            default:
                break
            }
        }
        return found
    }

    /// An envelope's string member that may hold an event as JSON text: decoded into the arena and
    /// read when it is one JSON object (an event, or with `levels` left, an envelope).
    private func wrapped(_ s: JSONScanner, _ slot: FieldSlot, nesting: Int, levels: Int) -> Bool {
        // Most members (times, hosts, topics) are passed over on their first byte.
        var k = slot.start
        while k < slot.end && (s[k] == 0x20 || s[k] == 0x09) { k += 1 }
        guard k < slot.end, s[k] == 0x7B, nesting < Self.maxStringNesting else { return false }
        let dst = arena.allocate(slot.end - slot.start)
        let n = slot.escaped ? s.unescape(slot.start, slot.end, to: dst) : copy(s, slot, to: dst)
        let inner = JSONScanner(UnsafeRawBufferPointer(start: dst, count: n))
        let first = inner.skipWhitespace(0)
        guard first < inner.count, inner[first] == 0x7B, let end = try? inner.skipValue(first),
            inner.skipWhitespace(end) == inner.count
        else { return false }
        var f = EventFields()
        guard (try? inner.scanObject(first, depth: 0, into: &f)) != nil else { return false }
        let outerAnchor = anchor
        if anchor == nil { anchor = s.address(slot.start - 1) }
        defer { anchor = outerAnchor }
        if Self.isEvent(f) {
            emit(inner, f, first, end)
            return true
        }
        return levels > 1 && envelope(inner, first, depth: 0, nesting: nesting + 1, levels: levels - 1)
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
}
