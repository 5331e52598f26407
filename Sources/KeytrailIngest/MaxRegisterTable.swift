import Glibc
import KeytrailScan

/// The latest event seen for one (AccessKey, service), owning its bytes.
struct ProductEntry {
    var key: [UInt8]
    var service: [UInt8]
    var eventId: [UInt8]
    var detail: [UInt8]
    var timestamp: Int64
    var source: EventSource
    var hash: UInt64
}

/// An in-memory max-register per (key, service): keeps the greatest (timestamp, eventId, detail).
///
/// Open addressing over byte keys, so offers from raw buffers neither allocate nor build Strings
/// unless they win. Merging is associative, commutative and idempotent.
struct MaxRegisterTable {
    private(set) var entries: [ProductEntry] = []
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    /// Bytes of Detail text held, to bound memory.
    private(set) var detailBytes = 0

    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
        if slots.count > 1 << 16 {
            slots = Array(repeating: -1, count: 1024)
        } else {
            for i in slots.indices { slots[i] = -1 }
        }
        detailBytes = 0
    }

    /// Offers a candidate read from buffers; copies its bytes only when it wins.
    mutating func offer(
        key: UnsafeRawBufferPointer, service: UnsafeRawBufferPointer, timestamp: Int64,
        eventId: UnsafeRawBufferPointer, source: EventSource, detail: UnsafeRawBufferPointer
    ) {
        let h = Self.hash(key, service)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { break }
            if entries[e].hash == h && Self.same(entries[e].key, key) && Self.same(entries[e].service, service) {
                if Self.greater(timestamp, eventId, detail, than: entries[e]) {
                    detailBytes += detail.count - entries[e].detail.count
                    entries[e].timestamp = timestamp
                    entries[e].eventId = Array(eventId)
                    entries[e].detail = Array(detail)
                    entries[e].source = source
                }
                return
            }
            s = (s + 1) & mask
        }
        insert(
            ProductEntry(
                key: Array(key), service: Array(service), eventId: Array(eventId), detail: Array(detail),
                timestamp: timestamp, source: source, hash: h), at: s)
    }

    /// Merges an owned entry (from another table).
    mutating func offer(_ entry: ProductEntry) {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: entry.hash) & mask
        while true {
            let e = Int(slots[s])
            if e < 0 { break }
            if entries[e].hash == entry.hash && entries[e].key == entry.key && entries[e].service == entry.service {
                let wins = entry.detail.withUnsafeBytes { d in
                    entry.eventId.withUnsafeBytes { id in Self.greater(entry.timestamp, id, d, than: entries[e]) }
                }
                if wins {
                    detailBytes += entry.detail.count - entries[e].detail.count
                    entries[e] = entry
                }
                return
            }
            s = (s + 1) & mask
        }
        insert(entry, at: s)
    }

    private mutating func insert(_ entry: ProductEntry, at slot: Int) {
        slots[slot] = Int32(entries.count)
        detailBytes += entry.detail.count
        entries.append(entry)
        if entries.count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (i, e) in entries.enumerated() {
            var s = Int(truncatingIfNeeded: e.hash) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }

    /// Whether (ts, eventId, detail) is greater than the entry's, comparing bytes.
    @inline(__always) static func greater(
        _ ts: Int64, _ eventId: UnsafeRawBufferPointer, _ detail: UnsafeRawBufferPointer, than e: ProductEntry
    ) -> Bool {
        if ts != e.timestamp { return ts > e.timestamp }
        let c = e.eventId.withUnsafeBytes { compare(eventId, $0) }
        if c != 0 { return c > 0 }
        return e.detail.withUnsafeBytes { compare(detail, $0) } > 0
    }

    /// Lexicographic byte comparison (memcmp, then length), as SQLite's BINARY collation.
    @inline(__always) static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    @inline(__always) static func same(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && a.withUnsafeBytes { compare($0, b) == 0 }
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

    /// The hash of an owned (key, service) pair.
    static func hash(_ key: [UInt8], _ service: [UInt8]) -> UInt64 {
        key.withUnsafeBytes { k in service.withUnsafeBytes { s in hash(k, s) } }
    }
}
