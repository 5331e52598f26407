import Dispatch
import Glibc
import KeytrailStore
import Synchronization

/// When and how files are framed in windows instead of whole.
struct Streaming: Sendable {
    /// Files larger than this are streamed.
    var above: Int
    /// Bytes per read.
    var chunk: Int
}

/// What a worker made of one file (its entries are merged into the shared batch table directly).
struct FileOutcome {
    var item: InputItem
    var entry: ManifestEntry?
    var isCopy = false
    var rawBytes = 0
    var contentBytes = 0
    var result = FileResult()
    /// A failure of the machinery (a spill file could not be written): the run stops.
    var failure: String?
}

/// The batch's reduced entries, shared by the workers that merge into it (under a lock).
final class SharedTable: @unchecked Sendable {
    struct State {
        var table = BatchTable()
        /// One per worker, indexed like the processors.
        var spills: [SpillFile]
    }

    private var value: State
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init(spills: [SpillFile]) {
        value = State(spills: spills)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the state.
    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

/// Content checksums already ingested (from the manifest) or claimed in this run, shared by workers.
final class KnownContent: Sendable {
    struct State {
        var loaded = false
        var stored: Set<[UInt8]> = []
        var claimed: Set<[UInt8]> = []
        var complete: Set<[UInt8]> = []
    }

    let state = Mutex(State())

    /// Loads the manifest's checksums once.
    func load(from writer: IndexWriter, until: Int64) throws {
        guard !state.withLock({ $0.loaded }) else { return }
        let stored = try writer.checksums(until: until)
        state.withLock {
            $0.stored = Set(stored)
            $0.loaded = true
        }
    }

    /// Claims content for this run; false when it was ingested before or claimed by another file.
    func claim(_ key: [UInt8]) -> Bool {
        state.withLock { s in
            if s.stored.contains(key) { return false }
            return s.claimed.insert(key).inserted
        }
    }

    /// Records that the file holding this content was ingested completely.
    func markComplete(_ key: [UInt8]) { state.withLock { _ = $0.complete.insert(key) } }

    /// Whether this content is ingested completely (before or in this run).
    func isComplete(_ key: [UInt8]) -> Bool {
        state.withLock { $0.stored.contains(key) || $0.complete.contains(key) }
    }
}

/// Lets per-worker state cross into the concurrent loop; each slot is touched by one thread.
private final class Slots<T>: @unchecked Sendable {
    var items: [T]
    init(_ items: [T]) { self.items = items }
}

extension Ingester {
    /// Runs `items` on `processors.count` threads, merging each file's entries into `shared`;
    /// outcomes come back in item order.
    static func parallel(
        _ items: [InputItem], processors: [FileProcessor], known: KnownContent, shared: SharedTable,
        streaming: Streaming
    ) -> [FileOutcome] {
        let outcomes = Slots<FileOutcome?>(Array(repeating: nil, count: items.count))
        let workers = Slots(processors)
        let next = Atomic<Int>(0)
        let jobs = min(processors.count, items.count)
        let list = Slots(items)
        DispatchQueue.concurrentPerform(iterations: jobs) { w in
            let processor = workers.items[w]
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= list.items.count { break }
                let o = work(
                    list.items[i], processor: processor, worker: w, known: known, shared: shared, streaming: streaming)
                outcomes.items.withUnsafeMutableBufferPointer { $0[i] = o }
            }
        }
        return outcomes.items.map { $0! }
    }

    /// Reads, checksums, decompresses and processes one file, then merges its entries.
    static func work(
        _ item: InputItem, processor: FileProcessor, worker: Int, known: KnownContent, shared: SharedTable,
        streaming: Streaming
    ) -> FileOutcome {
        let streamChunk = streaming.chunk
        var o = FileOutcome(item: item)
        func reject(_ kind: Rejection.Kind, _ message: String, offset: Int? = nil) -> FileOutcome {
            o.result = FileResult()
            o.result.rejections.append(Rejection(path: item.display, kind: kind, offset: offset, message: message))
            return o
        }
        let fd = item.isStdin ? 0 : FileWalker.withCPath(item.path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return reject(.io, "cannot open: \(String(cString: strerror(errno)))") }
        defer { if fd != 0 { close(fd) } }
        var before = stat()
        fstat(fd, &before)
        let regular = (before.st_mode & S_IFMT) == S_IFREG
        let streamed = !regular || Int(before.st_size) > streaming.above
        do throws(WorkFailure) {
            // The checksum comes first: a copy of ingested content is skipped without parsing.
            var key: [UInt8]
            if streamed {
                // Standard input and pipes cannot be read twice: they are never skipped as copies.
                key = regular ? try checksum(fd: fd, buffer: processor.raw, chunk: streamChunk) : []
            } else {
                try read(fd: fd, into: processor.raw, size: Int(before.st_size))
                o.rawBytes = processor.raw.count
                key = Checksum.of(processor.raw.bytes)
            }
            if regular {
                withUnsafeBytes(of: Int64(before.st_size).littleEndian) { key.append(contentsOf: $0) }
                o.entry = ManifestEntry(
                    size: Int64(before.st_size),
                    mtimeNanos: Int64(before.st_mtim.tv_sec) * 1_000_000_000 + Int64(before.st_mtim.tv_nsec),
                    checksum: key)
                if !item.isStdin && !known.claim(key) {
                    o.isCopy = true
                    return o
                }
            }
            processor.begin(path: item.display)
            if streamed {
                if regular { lseek(fd, 0, SEEK_SET) }
                (o.rawBytes, o.contentBytes) = try stream(fd: fd, processor: processor, chunk: streamChunk)
            } else {
                var content = processor.raw.bytes
                if Gzip.isGzip(content) {
                    do throws(Gzip.Failure) { try Gzip.inflate(content, into: processor.inflated) } catch {
                        throw .gzip(error)
                    }
                    content = processor.inflated.bytes
                }
                o.contentBytes = content.count
                _ = processor.feed(content, final: true)
            }
            if regular {
                var after = stat()
                fstat(fd, &after)
                if after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec
                    || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec
                {
                    throw .io("the file changed while it was being read; rerun to ingest it")
                }
            }
        } catch {
            switch error {
            case .io(let message): return reject(.io, message)
            case .gzip(let f): return reject(.gzip, f.message, offset: f.offset)
            }
        }
        o.result = processor.finish()
        guard !processor.table.isEmpty else { return o }
        do {
            // The batch keeps the small fields and where each Detail is; the Details of the file's
            // winners go to this worker's spill file.
            try shared.withLock { s in
                try s.table.merge(processor.table, spill: worker, spills: s.spills, staging: processor.staging)
            }
        } catch {
            o.failure = "\(error)"
        }
        return o
    }

    enum WorkFailure: Error {
        case io(String)
        case gzip(Gzip.Failure)
    }

    /// Reads a regular file of `size` bytes whole.
    static func read(fd: Int32, into buffer: ByteBuffer, size: Int) throws(WorkFailure) {
        do throws(IOFailure) { try InputFile.readAll(fd: fd, into: buffer, sizeHint: size) } catch {
            throw .io(error.message)
        }
        if buffer.count != size { throw .io("the file changed while it was being read; rerun to ingest it") }
    }

    /// The checksum of a large file, read in chunks.
    static func checksum(fd: Int32, buffer: ByteBuffer, chunk: Int) throws(WorkFailure) -> [UInt8] {
        var c = Checksum()
        while true {
            let n = try readChunk(fd: fd, into: buffer, chunk: chunk)
            if n == 0 { return c.finish() }
            c.update(buffer.bytes)
        }
    }

    /// Reads up to `chunk` bytes into `buffer` (replacing its content); 0 at the end.
    static func readChunk(fd: Int32, into buffer: ByteBuffer, chunk: Int) throws(WorkFailure) -> Int {
        do throws(IOFailure) { return try InputFile.readChunk(fd: fd, into: buffer, chunk: chunk) } catch {
            throw .io(error.message)
        }
    }

    /// Streams a file through the processor in windows: raw chunks, inflated when gzip, framed
    /// as they arrive. Returns (raw bytes, content bytes).
    static func stream(fd: Int32, processor: FileProcessor, chunk size: Int) throws(WorkFailure) -> (Int, Int) {
        let chunk = processor.raw
        let window = processor.inflated
        window.count = 0
        var gzip: GzipStream?
        var raw = 0
        var content = 0
        var first = true
        while true {
            let n = try readChunk(fd: fd, into: chunk, chunk: size)
            let end = n == 0
            if first && !end {
                first = false
                if Gzip.isGzip(chunk.bytes) || (n == 1 && chunk.bytes[0] == 0x1F) {
                    do throws(Gzip.Failure) { gzip = try GzipStream() } catch { throw .gzip(error) }
                }
            }
            raw += n
            let before = window.count
            do throws(Gzip.Failure) {
                if let gzip {
                    try gzip.inflate(chunk.bytes, into: window)
                    if end { try gzip.finish() }
                } else if n > 0 {
                    window.reserve(n)
                    (window.base + window.count).copyMemory(from: chunk.base, byteCount: n)
                    window.count += n
                }
            } catch {
                throw .gzip(error)
            }
            content += window.count - before
            let used = processor.feed(window.bytes, final: end)
            if used > 0 {
                let rest = window.count - used
                if rest > 0 { memmove(window.base, window.base + used, rest) }
                window.count = rest
            }
            if end { return (raw, content) }
        }
    }
}
