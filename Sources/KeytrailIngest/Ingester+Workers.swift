import Dispatch
import Glibc
import KeytrailStore
import Synchronization

/// One file to read in a wave.
struct FileTask {
    var item: InputItem
}

/// What a worker made of one file.
struct FileOutcome {
    var item: InputItem
    var entry: ManifestEntry?
    var isCopy = false
    var rawBytes = 0
    var contentBytes = 0
    var result = FileResult()
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
    func isComplete(_ key: [UInt8]) -> Bool { state.withLock { $0.stored.contains(key) || $0.complete.contains(key) } }
}

/// Lets per-worker state cross into the concurrent loop; each slot is touched by one thread.
private final class Slots<T>: @unchecked Sendable {
    var items: [T]
    init(_ items: [T]) { self.items = items }
}

extension Ingester {
    /// Runs `tasks` on `processors.count` threads; outcomes come back in task order.
    static func parallel(_ tasks: [FileTask], processors: [FileProcessor], known: KnownContent) -> [FileOutcome] {
        let outcomes = Slots<FileOutcome?>(Array(repeating: nil, count: tasks.count))
        let workers = Slots(processors)
        let next = Atomic<Int>(0)
        let jobs = min(processors.count, tasks.count)
        let taskList = Slots(tasks)
        DispatchQueue.concurrentPerform(iterations: jobs) { w in
            let processor = workers.items[w]
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= taskList.items.count { break }
                let o = work(taskList.items[i], processor: processor, known: known)
                outcomes.items.withUnsafeMutableBufferPointer { $0[i] = o }
            }
        }
        return outcomes.items.map { $0! }
    }

    /// Reads, checksums, decompresses and processes one file.
    static func work(_ task: FileTask, processor: FileProcessor, known: KnownContent) -> FileOutcome {
        var o = FileOutcome(item: task.item)
        let display = task.item.display
        func reject(_ kind: Rejection.Kind, _ message: String, offset: Int? = nil) -> FileOutcome {
            o.result.rejections.append(Rejection(path: display, kind: kind, offset: offset, message: message))
            return o
        }
        let input: LoadedInput
        var before = Glibc.stat()
        if task.item.isStdin {
            do throws(IOFailure) { input = try LoadedInput.readAll(fd: 0) } catch { return reject(.io, error.message) }
        } else {
            let fd = FileWalker.withCPath(task.item.path) { open($0, O_RDONLY | O_CLOEXEC) }
            guard fd >= 0 else { return reject(.io, "cannot open: \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            fstat(fd, &before)
            do throws(IOFailure) { input = try LoadedInput.readAll(fd: fd) } catch { return reject(.io, error.message) }
            var after = Glibc.stat()
            fstat(fd, &after)
            if after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec
                || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec
                || input.raw.count != Int(after.st_size)
                    && (after.st_mode & S_IFMT) == S_IFREG
            {
                return reject(.io, "the file changed while it was being read; rerun to ingest it")
            }
        }
        o.rawBytes = input.raw.count
        let checksum = Checksum.of(input.raw)
        var key = checksum
        withUnsafeBytes(of: Int64(input.raw.count).littleEndian) { key.append(contentsOf: $0) }
        o.entry = ManifestEntry(
            size: Int64(before.st_size),
            mtimeNanos: Int64(before.st_mtim.tv_sec) * 1_000_000_000 + Int64(before.st_mtim.tv_nsec),
            checksum: key)
        if !task.item.isStdin && !known.claim(key) {
            o.isCopy = true
            return o
        }
        let content: UnsafeRawBufferPointer
        do throws(Gzip.Failure) { content = try input.content() } catch {
            return reject(.gzip, error.message, offset: error.offset)
        }
        o.contentBytes = content.count
        o.result = processor.process(content, path: display)
        return o
    }
}
