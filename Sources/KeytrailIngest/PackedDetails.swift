import KeytrailStore

/// The Details of one file's winning events in their stored form (compressed where that saves
/// space), made by the worker that read the file before it takes the batch lock, so compression
/// runs on every core and the spill files and the commit move the smaller bytes.
struct PackedDetails {
    struct Slot {
        var offset: Int
        var count: Int
        var compressed: Bool
    }

    let buffer = ByteBuffer(capacity: 1 << 20)
    /// By the entries' shared Detail offset in the file table (rows of one event share it).
    private(set) var slots: [Int: Slot] = [:]

    /// Packs the Details of `file`'s entries, one per event.
    mutating func pack(_ file: MaxRegisterTable, codec: DetailCodec) {
        buffer.count = 0
        slots.removeAll(keepingCapacity: true)
        for e in file.entries where slots[e.idStart] == nil {
            let d = file.detail(e)
            let room = max(codec.bound(d.count), d.count)
            buffer.reserve(room)
            let start = buffer.count
            let out = UnsafeMutableRawBufferPointer(start: buffer.base + start, count: room)
            if let n = codec.encode(d, into: out) {
                slots[e.idStart] = Slot(offset: start, count: n, compressed: true)
                buffer.count += n
            } else {
                if d.count > 0 { out.baseAddress!.copyMemory(from: d.baseAddress!, byteCount: d.count) }
                slots[e.idStart] = Slot(offset: start, count: d.count, compressed: false)
                buffer.count += d.count
            }
        }
    }

    /// The stored form of entry `e`'s Detail (valid until the next `pack`).
    func stored(_ e: ProductEntry) -> (bytes: UnsafeRawBufferPointer, compressed: Bool) {
        let s = slots[e.idStart]!
        return (UnsafeRawBufferPointer(start: buffer.base + s.offset, count: s.count), s.compressed)
    }
}
