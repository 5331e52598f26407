import Glibc

/// A growable, malloc-backed byte buffer that hands out stable raw pointers between growths.
///
/// The stored properties are private and the other modules go through accessors: the optimiser
/// then sees every access and checks no exclusivity at run time (this is the reduce's hot path).
package final class ByteBuffer {
    private var start: UnsafeMutableRawPointer
    private var allocated: Int
    private var used = 0

    /// The first byte (moves when the buffer grows).
    package var base: UnsafeMutableRawPointer { start }
    /// Bytes allocated.
    package var capacity: Int { allocated }
    /// Bytes written.
    package var count: Int {
        get { used }
        set { used = newValue }
    }

    /// An empty buffer of at least `capacity` bytes.
    package init(capacity: Int = 1 << 16) {
        allocated = max(capacity, 64)
        guard let p = malloc(allocated) else { fatalError("out of memory allocating \(capacity) bytes") }
        start = p
    }

    deinit { free(start) }

    /// Makes room for at least `extra` more bytes (doubling), keeping the content.
    package func reserve(_ extra: Int) {
        let needed = used + extra
        guard needed > allocated else { return }
        var c = allocated
        while c < needed { c *= 2 }
        guard let p = realloc(start, c) else { fatalError("out of memory growing a buffer to \(c) bytes") }
        start = p
        allocated = c
    }

    /// Empties the buffer and gives back its memory beyond `keep` bytes (between waves of work,
    /// so that an idle worker does not hold the room of its largest file).
    package func release(keeping keep: Int = 1 << 20) {
        used = 0
        guard allocated > keep, let p = malloc(keep) else { return }
        free(start)
        start = p
        allocated = keep
    }

    /// The writable space after `count`.
    package var spare: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: start + used, count: allocated - used)
    }

    /// The written bytes.
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: used) }
}
