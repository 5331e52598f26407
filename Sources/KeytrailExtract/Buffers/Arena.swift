import Glibc

/// Bump allocation in chunks that never move, so pointers into it stay valid until `reset`.
/// Holds decoded nested JSON texts and unescaped field values while a file is processed.
final class Arena {
    private var chunks: [(base: UnsafeMutableRawPointer, size: Int)] = []
    private var current = 0
    private var used = 0
    static let chunkSize = 1 << 20

    deinit { for c in chunks { free(c.base) } }

    /// `n` bytes of stable, writable memory.
    func allocate(_ n: Int) -> UnsafeMutableRawPointer {
        if current < chunks.count && used + n <= chunks[current].size {
            defer { used += n }
            return chunks[current].base + used
        }
        // Move on to the next chunk that fits, allocating one when none does.
        current += chunks.isEmpty ? 0 : 1
        while current < chunks.count && chunks[current].size < n { current += 1 }
        if current >= chunks.count {
            let size = max(n, Self.chunkSize)
            guard let p = malloc(size) else { fatalError("out of memory allocating \(size) bytes") }
            chunks.append((p, size))
            current = chunks.count - 1
        }
        used = n
        return chunks[current].base
    }

    /// Forgets every allocation; keeps up to a few chunks for reuse.
    func reset() {
        while chunks.count > 4 { free(chunks.removeLast().base) }
        current = 0
        used = 0
    }
}
