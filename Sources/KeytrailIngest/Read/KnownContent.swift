import KeytrailPOSIX
import KeytrailStore

/// Content checksums already ingested (from the manifest) or claimed in this run, shared by workers.
final class KnownContent: Sendable {
    struct State {
        var loaded = false
        var stored: Set<[UInt8]> = []
        var claimed: Set<[UInt8]> = []
        var complete: Set<[UInt8]> = []
    }

    let state = Lock(State())

    /// Loads the manifest's checksums once.
    func load(from writer: IndexWriter, until: Int64) throws(IndexError) {
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
