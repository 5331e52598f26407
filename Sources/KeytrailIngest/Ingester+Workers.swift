import Dispatch
import Glibc
import KeytrailExtract
import KeytrailPOSIX
import Synchronization

/// Lets per-worker state cross into the concurrent loop; each slot is touched by one thread.
private final class Slots<T>: @unchecked Sendable {
    var items: [T]
    init(_ items: [T]) { self.items = items }
}

extension Ingester {
    /// Runs `items` on `processors.count` threads, merging each file's entries into `shared`;
    /// outcomes come back in item order. Once `stop` says so, no further file is started and the
    /// outcomes are incomplete (the caller, asked to stop, uses none of them).
    /// `last`: no wave follows, so each worker gives its memory back once it is out of files.
    static func parallel(
        _ items: [InputItem], processors: [FileProcessor], reader: FileReader, shared: Lock<SharedBatch>,
        last: Bool = false, stop: (@Sendable () -> Bool)? = nil
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
                if i >= list.items.count || stop?() == true { break }
                let o = work(list.items[i], reader: reader, processor: processor, worker: w, shared: shared)
                outcomes.items.withUnsafeMutableBufferPointer { $0[i] = o }
            }
            // Out of files for good: the room of this worker's largest one goes back while the
            // others finish theirs (the batch is at its largest then) and while it is committed.
            if last { processor.release() }
        }
        return outcomes.items.compactMap { $0 }
    }

    /// Reads and frames one file (`FileReader`), then merges its entries into the batch: the
    /// batch keeps the small fields and where each Detail is; the Details of the file's winners go
    /// to this worker's spill file, written after the batch's lock is let go.
    static func work(
        _ item: InputItem, reader: FileReader, processor: FileProcessor, worker: Int, shared: Lock<SharedBatch>
    ) -> FileOutcome {
        var o = reader.read(item, into: processor, keepVerbatim: true)
        defer { if let fd = o.kept { close(fd) } }
        guard o.framed, !processor.table.isEmpty else { return o }
        do throws(IngestError) {
            let kept = o.kept.flatMap { fd in o.entry.map { (fd: fd, path: item.display, entry: $0) } }
            let (pending, spills) = try shared.withLock {
                (s: inout SharedBatch) throws(IngestError) -> (BatchTable.SpillWrite, [SpillFile]) in
                try s.merge(processor.table, name: item.absolute, spill: worker, kept: kept)
            }
            // The copy and the write of the winners' Details, outside the lock (it was most of
            // the time the lock was held: the other workers waited for it).
            try pending.write(processor.table, spills: spills, staging: processor.staging)
        } catch {
            o.failure = error
        }
        return o
    }
}
