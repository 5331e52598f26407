import KeytrailScan

extension FileProcessor {
    /// An event object: checks the fields the index needs and stages it.
    func emit(_ s: JSONScanner, _ f: EventFields, _ start: Int, _ end: Int) {
        unitCounts.read += 1
        unitEvents += 1
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
            timestamp: ts, source: source, at: anchor ?? s.address(start))
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
        // The key's activity that day: one row per eventId, holding no Detail.
        c.tag = DimensionTag.activity(service, day: Dimension.day(ts), eventId: eventId, in: arena)
        c.detail = UnsafeRawBufferPointer(start: nil, count: 0)
        staged.append(c)
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
