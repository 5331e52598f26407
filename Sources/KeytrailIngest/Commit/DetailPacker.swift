import Dispatch
import KeytrailExtract
import KeytrailStore

/// Compresses the Details a commit stores, a chunk at a time on every core, and hands them to
/// SQLite in order. Compressing here rather than in the workers compresses only the batch's
/// final winners (a file's winners are often superseded by later files). Details are read back
/// from the spill files in the order they are stored (by key), which the page cache serves.
final class DetailPacker: @unchecked Sendable {
    let codecs: [DetailCodec]
    /// Raw Details of the chunk, and their stored forms (each in its own slot).
    private let raw = ByteBuffer(capacity: 1 << 20)
    private let packed = ByteBuffer(capacity: 1 << 20)
    private var slots: [(rawAt: Int, rawCount: Int, outAt: Int, outRoom: Int, stored: Int?)] = []
    static let chunkBytes = 32 << 20

    init(threads: Int) { codecs = (0..<max(1, threads)).map { _ in DetailCodec() } }

    /// Calls `store` for each group, in order, with its stored Detail and whether it is compressed.
    func run(
        _ groups: [DetailGroup], table: BatchTable, spills: [SpillFile],
        store: (DetailGroup, UnsafeRawBufferPointer, Bool) throws(IngestError) -> Void
    ) throws(IngestError) {
        var start = 0
        while start < groups.count {
            // Gather a chunk's raw Details (from the spill files, which the page cache holds).
            raw.count = 0
            slots.removeAll(keepingCapacity: true)
            var end = start
            var outBytes = 0
            while end < groups.count && (end == start || raw.count < Self.chunkBytes) {
                let e = table.entries[groups[end].entry]
                let count = Int(e.detailCount)
                raw.reserve(count)
                try spills[Int(e.spill)].read(offset: e.detailOffset, count: count, to: raw.base + raw.count)
                let room = codecs[0].bound(count)
                slots.append((raw.count, count, outBytes, room, nil))
                raw.count += count
                outBytes += room
                end += 1
            }
            packed.count = 0
            packed.reserve(outBytes)
            // Compress the chunk on every core: thread t takes every t-th Detail.
            let n = slots.count
            let threads = min(codecs.count, max(1, n / 64))
            slots.withUnsafeMutableBufferPointer { s in
                let slotsBase = s
                nonisolated(unsafe) let shared = slotsBase
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    var k = t
                    while k < n {
                        let slot = shared[k]
                        let input = UnsafeRawBufferPointer(start: raw.base + slot.rawAt, count: slot.rawCount)
                        let out = UnsafeMutableRawBufferPointer(start: packed.base + slot.outAt, count: slot.outRoom)
                        shared[k].stored = codecs[t].encode(input, into: out)
                        k += threads
                    }
                }
            }
            for k in 0..<n {
                let slot = slots[k]
                if let size = slot.stored {
                    try store(
                        groups[start + k], UnsafeRawBufferPointer(start: packed.base + slot.outAt, count: size), true)
                } else {
                    try store(
                        groups[start + k], UnsafeRawBufferPointer(start: raw.base + slot.rawAt, count: slot.rawCount),
                        false)
                }
            }
            start = end
        }
    }
}
