import KeytrailExtract
import KeytrailPOSIX
import KeytrailStore

/// Compresses the Details a commit stores on background threads, a chunk at a time, while the
/// committing thread stores the chunks before (and, in a first build, inserts the rows):
/// compression and SQLite's writes overlap instead of taking turns. Compressing here rather than
/// in the workers compresses only the batch's final winners (a file's winners are often
/// superseded by later files). Details are read back from the spill files in the order they are
/// stored (by key), which the page cache serves. Memory: `slots` chunks of `chunkBytes`, raw and
/// compressed.
final class DetailPacker: @unchecked Sendable {
    /// One codec per compressing thread.
    let codecs: [DetailCodec]
    /// Chunks compressed or being compressed ahead of the one stored.
    let slots: Int
    /// Raw Detail bytes per chunk (a chunk holds at least one Detail).
    static let chunkBytes = 4 << 20

    /// A chunk's raw Details and their stored forms (each Detail in its own slot).
    final class Chunk {
        let raw = ByteBuffer(capacity: DetailPacker.chunkBytes + (64 << 10))
        let packed = ByteBuffer(capacity: DetailPacker.chunkBytes + (64 << 10))
        var items: [(rawAt: Int, rawCount: Int, outAt: Int, stored: Int?, header: SpillHeader?)] = []
    }

    /// What the committing thread and the compressing threads share.
    struct Progress {
        /// The chunk each slot holds, ready to store (-1: none).
        var ready: [Int]
        /// Chunks taken to compress so far (by any thread), and stored so far.
        var claimed = 0
        var consumed = 0
        var failure: IngestError?
        var cancelled = false

        /// Whether another chunk may be taken: there is one, and its slot is free.
        func canClaim(_ n: Int, slots: Int) -> Bool { claimed < n && claimed - consumed < slots }
    }

    private let chunks: [Chunk]
    /// Seconds the committing thread waited for compressed chunks, compressed chunks itself, and
    /// spent in `before` (for the trace).
    private(set) var waited = 0.0
    private(set) var helped = 0.0
    private(set) var interleaved = 0.0

    /// A packer with `threads` compressing threads; the committing thread compresses too, when
    /// the chunk it is to store next is not ready.
    init(threads: Int) {
        let t = max(1, threads - 1)
        codecs = (0...t).map { _ in DetailCodec() }
        slots = t + 2
        chunks = (0..<slots).map { _ in Chunk() }
    }

    /// The dictionary the codecs compress with (nil: none yet).
    var dictionary: DetailDictionary? { codecs[0].dictionary }

    /// Compresses with `d` from now on.
    func use(_ d: DetailDictionary) {
        for c in codecs { c.dictionary = d }
    }

    /// Calls `store` for each group, in order, with its stored Detail, whether it is
    /// compressed, and where it was read (its `SpillHeader`); before the Details of each chunk, `before` is called with the chunk's number
    /// and the number of chunks (so the caller can interleave other writes), and after them
    /// `after` (the bytes handed to `store` stay valid until it returns, not after).
    func run(
        _ groups: [DetailGroup], table: BatchTable, spills: [SpillFile],
        before: (_ chunk: Int, _ of: Int) throws(IngestError) -> Void,
        after: () throws(IngestError) -> Void,
        store: (DetailGroup, UnsafeRawBufferPointer, Bool, SpillHeader?) throws(IngestError) -> Void
    ) throws(IngestError) {
        // Chunk boundaries, by raw size.
        var bounds: [Range<Int>] = []
        var start = 0
        while start < groups.count {
            var end = start
            var bytes = 0
            while end < groups.count && (end == start || bytes < Self.chunkBytes) {
                bytes += Int(table.entries[groups[end].entry].detailCount)
                end += 1
            }
            bounds.append(start..<end)
            start = end
        }
        let n = bounds.count
        let ranges = bounds
        let slots = self.slots
        let progress = Lock(Progress(ready: Array(repeating: -1, count: slots)))
        nonisolated(unsafe) let table = table
        /// Compresses chunk `c` into its slot with `codec`; false when it failed (the failure is recorded).
        @Sendable func compress(_ c: Int, codec: Int) -> Bool {
            do throws(IngestError) {
                try fill(chunks[c % slots], groups[ranges[c]], table: table, spills: spills, codec: codecs[codec])
            } catch {
                progress.withLockSignalling(all: true) { $0.failure = error }
                return false
            }
            progress.withLockSignalling(all: true) { $0.ready[c % slots] = c }
            return true
        }
        let threads = (1..<codecs.count).map { t in
            Thread {
                while true {
                    let c = progress.withLock(when: { $0.cancelled || $0.claimed >= n || $0.canClaim(n, slots: slots) })
                    {
                        (p: inout Progress) -> Int? in
                        guard !p.cancelled, p.canClaim(n, slots: slots) else { return nil }
                        p.claimed += 1
                        return p.claimed - 1
                    }
                    guard let c, compress(c, codec: t) else { return }
                }
            }
        }
        defer {
            progress.withLockSignalling(all: true) { $0.cancelled = true }
            for t in threads { t.join() }
        }
        for c in 0..<n {
            let t0 = Clock.monotonicSeconds()
            try before(c, n)
            let t1 = Clock.monotonicSeconds()
            interleaved += t1 - t0
            // Until chunk c is ready: compress a chunk not yet taken rather than wait.
            while true {
                let next = progress.withLock(
                    when: { $0.failure != nil || $0.ready[c % slots] == c || $0.canClaim(n, slots: slots) }
                ) { (p: inout Progress) -> Int? in
                    guard p.failure == nil, p.ready[c % slots] != c else { return nil }
                    p.claimed += 1
                    return p.claimed - 1
                }
                guard let next else { break }
                let t = Clock.monotonicSeconds()
                _ = compress(next, codec: 0)
                helped += Clock.monotonicSeconds() - t
            }
            if let failure = progress.withLock({ $0.failure }) { throw failure }
            waited += Clock.monotonicSeconds() - t1
            let chunk = chunks[c % slots]
            for (k, item) in chunk.items.enumerated() {
                let g = groups[bounds[c].lowerBound + k]
                if let size = item.stored {
                    try store(
                        g, UnsafeRawBufferPointer(start: chunk.packed.base + item.outAt, count: size), true, item.header
                    )
                } else {
                    try store(
                        g, UnsafeRawBufferPointer(start: chunk.raw.base + item.rawAt, count: item.rawCount), false,
                        item.header)
                }
            }
            // The chunk's bytes are let go below.
            try after()
            progress.withLockSignalling(all: true) {
                $0.ready[c % slots] = -1
                $0.consumed = c + 1
            }
        }
    }

    /// Reads a chunk's raw Details from the spill files and compresses each.
    private func fill(
        _ chunk: Chunk, _ groups: ArraySlice<DetailGroup>, table: BatchTable, spills: [SpillFile], codec: DetailCodec
    ) throws(IngestError) {
        chunk.raw.count = 0
        chunk.items.removeAll(keepingCapacity: true)
        var outBytes = 0
        for g in groups {
            let e = table.entries[g.entry]
            let count = Int(e.detailCount)
            let h = count > 0 ? SpillHeader.size : 0
            chunk.raw.reserve(h + count)
            let header = try table.readDetail(e, spills: spills, to: chunk.raw.base + chunk.raw.count)
            chunk.raw.count += h
            chunk.items.append((chunk.raw.count, count, outBytes, nil, header))
            chunk.raw.count += count
            outBytes += codec.bound(count)
        }
        chunk.packed.count = 0
        chunk.packed.reserve(outBytes)
        for k in chunk.items.indices {
            let item = chunk.items[k]
            let input = UnsafeRawBufferPointer(start: chunk.raw.base + item.rawAt, count: item.rawCount)
            let room = codec.bound(item.rawCount)
            let out = UnsafeMutableRawBufferPointer(start: chunk.packed.base + item.outAt, count: room)
            chunk.items[k].stored = codec.encode(input, into: out)
        }
    }
}
