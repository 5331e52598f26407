package import KeytrailScan

/// An in-memory max-register per (key, service): keeps the greatest (timestamp, eventId, detail).
///
/// Open addressing over byte keys, with every entry's bytes in one growable buffer: offers from raw
/// buffers allocate nothing unless they win, and then only append. Offers are associative,
/// commutative and idempotent: whatever their order, each row keeps its `LatestWins` event.
package struct MaxRegisterTable {
    /// The latest event seen for one (AccessKey, tag); its bytes live in the table's storage.
    package struct Entry {
        /// Offset of key then service bytes.
        package var start: Int
        /// Bytes of the key.
        package var keyCount: Int32
        /// Bytes of the tag (service).
        package var serviceCount: Int32
        /// Offset of eventId then Detail bytes (moved when a newer event wins).
        package var idStart: Int
        /// Bytes of the eventId.
        package var idCount: Int32
        /// Bytes of the Detail.
        package var detailCount: Int
        /// UsedTimestamp, epoch ms.
        package var timestamp: Int64
        /// The event's Source.
        package var source: EventSource
        /// The hash of (key, tag), kept for merging into a larger table.
        package var hash: UInt64
        /// Where the event starts in the file (line 0: unknown). A new position gets its own copy
        /// of the event's bytes: the rows that share a copy share its position.
        package var position: TextPosition
        /// Where the Detail's bytes start in the file's content when they are its bytes verbatim
        /// and the content is whole (`FileProcessor.verbatim`): the Detail is not copied into the
        /// table (it is read at `verbatim` + this offset); for a file that is not compressed, the
        /// offset is also where it can be read again in the file. -1 otherwise.
        package var sourceOffset: Int

        /// The Detail bytes the table's storage holds for this entry's event.
        var storedDetail: Int { sourceOffset >= 0 ? 0 : detailCount }
    }

    /// The table's rows, in the order they were first offered.
    package private(set) var entries: [Entry] = []
    private var slots = HashSlots()
    private let storage = ByteBuffer(capacity: 1 << 20)
    /// Bytes of replaced event IDs and Details still in the storage.
    private var garbage = 0
    /// The event (ID and Detail buffers) whose bytes were appended last, and where: the rows one
    /// event wins (its product and sibling rows, offered one after another) share one copy.
    private var last:
        (
            id: UnsafeRawPointer?, idCount: Int, detail: UnsafeRawPointer?, detailCount: Int, position: TextPosition,
            at: Int
        )?

    /// The file's bytes that entries with a `sourceOffset` point into; they must stay as they
    /// are while the table's Details are read.
    var verbatim: UnsafeRawPointer?

    /// How many rows the table holds.
    package var count: Int { entries.count }
    /// The bytes its storage holds: every row's key and tag, each event's ID once, the Details
    /// not read from the file's content (and replaced ones).
    package var storedBytes: Int { storage.count }
    /// Whether the table holds no row.
    package var isEmpty: Bool { entries.isEmpty }

    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        slots.reset()
        storage.count = 0
        garbage = 0
        last = nil
        verbatim = nil
    }

    /// Empties the table and gives back its memory (`ByteBuffer.release`).
    mutating func release() {
        removeAll()
        entries = []
        slots = HashSlots()
        storage.release()
    }

    /// Forgets which event was appended last: call when the buffers offers point into are reused.
    mutating func forgetLastEvent() { last = nil }

    /// The AccessKey of `e`.
    @inline(__always) package func key(_ e: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.base + e.start, count: Int(e.keyCount))
    }

    /// The `DimensionTag` of `e` (its service, and for a sibling row its dimension and names).
    @inline(__always) package func service(_ e: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.base + e.start + Int(e.keyCount), count: Int(e.serviceCount))
    }

    /// The eventId of `e`'s event.
    @inline(__always) package func eventId(_ e: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.base + e.idStart, count: Int(e.idCount))
    }

    /// The Detail of `e`'s event.
    @inline(__always) package func detail(_ e: Entry) -> UnsafeRawBufferPointer {
        if e.sourceOffset >= 0, let v = verbatim {
            return UnsafeRawBufferPointer(start: v + e.sourceOffset, count: e.detailCount)
        }
        return UnsafeRawBufferPointer(start: storage.base + e.idStart + Int(e.idCount), count: e.detailCount)
    }

    /// Offers a candidate read from buffers; copies its bytes only when it wins.
    mutating func offer(
        key: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, timestamp: Int64,
        eventId: UnsafeRawBufferPointer, source: EventSource, detail: UnsafeRawBufferPointer,
        position: TextPosition = TextPosition(line: 0, column: 0), sourceOffset: Int = -1
    ) {
        offer(
            key: key, service: service, hash: Self.hash(key, service), timestamp: timestamp, eventId: eventId,
            source: source, detail: detail, position: position, sourceOffset: sourceOffset)
    }

    private mutating func offer(
        key: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, hash h: UInt64, timestamp: Int64,
        eventId: UnsafeRawBufferPointer, source: EventSource, detail: UnsafeRawBufferPointer, position: TextPosition,
        sourceOffset: Int
    ) {
        let (slot, found) = slots.find(h) { i in
            let e = entries[i]
            return e.hash == h && LatestWins.compareBytes(self.key(e), key) == 0
                && LatestWins.compareBytes(self.service(e), service) == 0
        }
        if let i = found {
            let e = entries[i]
            let c = LatestWins.compare(timestamp, eventId, detail, e.timestamp, self.eventId(e), self.detail(e))
            // Of two copies of one text, the earlier position in the file names it (`Provenance`).
            if c > 0 || (c == 0 && Provenance.precedes(position, e.position)) {
                garbage += Int(e.idCount) + e.storedDetail
                let idStart = appendEvent(eventId, detail, position, copy: sourceOffset < 0)
                entries[i].idStart = idStart
                entries[i].idCount = Int32(eventId.count)
                entries[i].detailCount = detail.count
                entries[i].timestamp = timestamp
                entries[i].source = source
                entries[i].position = position
                entries[i].sourceOffset = sourceOffset
            }
            return
        }
        let start = append(key, service)
        let idStart = appendEvent(eventId, detail, position, copy: sourceOffset < 0)
        entries.append(
            Entry(
                start: start, keyCount: Int32(key.count), serviceCount: Int32(service.count), idStart: idStart,
                idCount: Int32(eventId.count), detailCount: detail.count, timestamp: timestamp, source: source, hash: h,
                position: position, sourceOffset: sourceOffset)
        )
        slots.insert(entries.count - 1, at: slot, count: entries.count) { entries[$0].hash }
    }

    /// Appends an event's ID and (with `copy`) its Detail, or returns where they already are when
    /// the same event was appended last.
    private mutating func appendEvent(
        _ id: UnsafeRawBufferPointer, _ detail: UnsafeRawBufferPointer, _ position: TextPosition, copy: Bool
    ) -> Int {
        if let l = last, l.id == id.baseAddress, l.idCount == id.count, l.detail == detail.baseAddress,
            l.detailCount == detail.count, l.position == position
        {
            return l.at
        }
        let copied = copy ? detail : UnsafeRawBufferPointer(start: nil, count: 0)
        let at = append(id, copied)
        // Each copy has an offset of its own, which names its event (`BatchTable.merge` tells the
        // events of a file apart by it): an empty one (an event without an eventId whose Detail
        // is read from the file) takes a byte, or the next event's copy would start there too.
        if id.count + copied.count == 0 {
            storage.reserve(1)
            storage.count += 1
        }
        last = (id.baseAddress, id.count, detail.baseAddress, detail.count, position, at)
        return at
    }

    /// Appends two byte runs back to back; returns the offset of the first.
    private mutating func append(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        if garbage > 64 << 20 && garbage > storage.count / 2 { compact() }
        storage.reserve(a.count + b.count)
        let start = storage.count
        if let p = a.baseAddress, a.count > 0 { (storage.base + start).copyMemory(from: p, byteCount: a.count) }
        if let p = b.baseAddress, b.count > 0 {
            (storage.base + start + a.count).copyMemory(from: p, byteCount: b.count)
        }
        storage.count += a.count + b.count
        return start
    }

    /// Rewrites the storage without the bytes of replaced events (keeping shared copies shared).
    private mutating func compact() {
        let old = ByteBuffer(capacity: storage.count)
        old.reserve(storage.count)
        old.base.copyMemory(from: storage.base, byteCount: storage.count)
        old.count = storage.count
        storage.count = 0
        garbage = 0
        last = nil
        var moved: [Int: Int] = [:]
        for i in entries.indices {
            let e = entries[i]
            let kv = UnsafeRawBufferPointer(start: old.base + e.start, count: Int(e.keyCount) + Int(e.serviceCount))
            storage.reserve(kv.count)
            entries[i].start = storage.count
            (storage.base + storage.count).copyMemory(from: kv.baseAddress!, byteCount: kv.count)
            storage.count += kv.count
            if let at = moved[e.idStart] {
                entries[i].idStart = at
                continue
            }
            let iv = UnsafeRawBufferPointer(start: old.base + e.idStart, count: Int(e.idCount) + e.storedDetail)
            storage.reserve(max(iv.count, 1))
            entries[i].idStart = storage.count
            moved[e.idStart] = storage.count
            if iv.count > 0 { (storage.base + storage.count).copyMemory(from: iv.baseAddress!, byteCount: iv.count) }
            // An empty copy keeps its byte (`appendEvent`): the next copy appended must not start there.
            storage.count += max(iv.count, 1)
        }
    }

    /// FNV-1a over the key, a separator, and the service, with a final avalanche.
    @inline(__always) static func hash(_ key: UnsafeRawBufferPointer, _ service: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h = (h ^ 0xFF) &* 0x100_0000_01B3
        for b in service { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
