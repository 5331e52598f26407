package import KeytrailScan

/// The bytes that tell the reduce tables' rows of one AccessKey apart: the dimension, the service
/// and the dimension's name(s), length-prefixed so that no byte of a name can be mistaken for a
/// separator. A product's tag is the dimension byte and the service.
package enum DimensionTag {
    /// `[0][service]`.
    static func product(_ service: UnsafeRawBufferPointer, in arena: Arena) -> UnsafeRawBufferPointer {
        let p = arena.allocate(1 + service.count)
        p.storeBytes(of: Dimension.product.rawValue, as: UInt8.self)
        if service.count > 0 { (p + 1).copyMemory(from: service.baseAddress!, byteCount: service.count) }
        return UnsafeRawBufferPointer(start: p, count: 1 + service.count)
    }

    /// `[kind][len][service][len][name][sub]`.
    static func make(
        _ kind: Dimension, _ service: UnsafeRawBufferPointer, _ name: UnsafeRawBufferPointer,
        _ sub: UnsafeRawBufferPointer?, in arena: Arena
    ) -> UnsafeRawBufferPointer {
        let n = 9 + service.count + name.count + (sub?.count ?? 0)
        let p = arena.allocate(n)
        p.storeBytes(of: kind.rawValue, as: UInt8.self)
        var at = 1
        for part in [service, name] {
            (p + at).storeBytes(of: UInt32(part.count).littleEndian, toByteOffset: 0, as: UInt32.self)
            if part.count > 0 { (p + at + 4).copyMemory(from: part.baseAddress!, byteCount: part.count) }
            at += 4 + part.count
        }
        if let sub, sub.count > 0 { (p + at).copyMemory(from: sub.baseAddress!, byteCount: sub.count) }
        return UnsafeRawBufferPointer(start: p, count: n)
    }

    /// An activity row's tag: `make(.activity, service, day, eventId)`, the day as 8 bytes
    /// big-endian (so that tags of one service sort by day).
    static func activity(
        _ service: UnsafeRawBufferPointer, day: Int64, eventId: UnsafeRawBufferPointer, in arena: Arena
    ) -> UnsafeRawBufferPointer {
        withUnsafeBytes(of: UInt64(bitPattern: day).bigEndian) { d in make(.activity, service, d, eventId, in: arena) }
    }

    /// The day of an activity tag's name (as `activity` wrote it).
    package static func day(_ name: UnsafeRawBufferPointer) -> Int64 {
        var v: UInt64 = 0
        for b in name { v = v << 8 | UInt64(b) }
        return Int64(bitPattern: v)
    }

    /// The parts of a tag made by `product` or `make`.
    package static func decode(_ tag: UnsafeRawBufferPointer) -> (
        kind: Dimension, service: UnsafeRawBufferPointer, name: UnsafeRawBufferPointer, sub: UnsafeRawBufferPointer
    ) {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        let kind = Dimension(rawValue: tag[0])!
        if kind == .product { return (kind, UnsafeRawBufferPointer(rebasing: tag[1...]), empty, empty) }
        var at = 1
        func part() -> UnsafeRawBufferPointer {
            let n = Int(UInt32(littleEndian: tag.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            defer { at += 4 + n }
            return UnsafeRawBufferPointer(rebasing: tag[(at + 4)..<(at + 4 + n)])
        }
        let service = part()
        let name = part()
        return (kind, service, name, UnsafeRawBufferPointer(rebasing: tag[at...]))
    }
}
