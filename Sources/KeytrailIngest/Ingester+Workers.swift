import Dispatch
import Glibc
import KeytrailStore
import Synchronization

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

    /// The worker's own spill file (written without the lock: one writer each).
    func spill(_ worker: Int) -> SpillFile { withLock { $0.spills[worker] } }

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
        _ items: [InputItem], processors: [FileProcessor], known: KnownContent, shared: SharedTable
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
                let o = work(list.items[i], processor: processor, worker: w, known: known, shared: shared)
                outcomes.items.withUnsafeMutableBufferPointer { $0[i] = o }
            }
        }
        return outcomes.items.map { $0! }
    }

    /// Reads, checksums, decompresses and processes one file, then merges its entries.
    static func work(
        _ item: InputItem, processor: FileProcessor, worker: Int, known: KnownContent, shared: SharedTable
    ) -> FileOutcome {
        var o = FileOutcome(item: item)
        func reject(_ kind: Rejection.Kind, _ message: String, offset: Int? = nil) -> FileOutcome {
            o.result.rejections.append(Rejection(path: item.display, kind: kind, offset: offset, message: message))
            return o
        }
        let raw = processor.raw
        var before = stat()
        if item.isStdin {
            do throws(IOFailure) { try InputFile.readAll(fd: 0, into: raw, sizeHint: 0) } catch {
                return reject(.io, error.message)
            }
        } else {
            let fd = FileWalker.withCPath(item.path) { open($0, O_RDONLY | O_CLOEXEC) }
            guard fd >= 0 else { return reject(.io, "cannot open: \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            fstat(fd, &before)
            do throws(IOFailure) {
                try InputFile.readAll(fd: fd, into: raw, sizeHint: Int(before.st_size))
            } catch {
                return reject(.io, error.message)
            }
            var after = stat()
            fstat(fd, &after)
            let regular = (after.st_mode & S_IFMT) == S_IFREG
            if after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec
                || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec || (regular && raw.count != Int(after.st_size))
            {
                return reject(.io, "the file changed while it was being read; rerun to ingest it")
            }
        }
        o.rawBytes = raw.count
        var key = Checksum.of(raw.bytes)
        withUnsafeBytes(of: Int64(raw.count).littleEndian) { key.append(contentsOf: $0) }
        o.entry = ManifestEntry(
            size: Int64(before.st_size),
            mtimeNanos: Int64(before.st_mtim.tv_sec) * 1_000_000_000 + Int64(before.st_mtim.tv_nsec),
            checksum: key)
        if !item.isStdin && !known.claim(key) {
            o.isCopy = true
            return o
        }
        var content = raw.bytes
        if Gzip.isGzip(content) {
            do throws(Gzip.Failure) { try Gzip.inflate(content, into: processor.inflated) } catch {
                return reject(.gzip, error.message, offset: error.offset)
            }
            content = processor.inflated.bytes
        }
        o.contentBytes = content.count
        o.result = processor.process(content, path: item.display)
        guard !processor.table.isEmpty else { return o }
        do {
            // The file's entries (Detail included) go to this worker's spill file in one write;
            // the batch keeps the small fields and where each Detail is.
            let spill = shared.spill(worker)
            let base = try spill.append(processor.table.storageBytes)
            try shared.withLock { s in
                try s.table.merge(processor.table, spill: worker, base: base, spills: s.spills)
            }
        } catch {
            o.failure = "\(error)"
        }
        return o
    }
}
