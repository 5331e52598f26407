import Glibc

/// A growable, malloc-backed byte buffer that hands out stable raw pointers between growths.
package final class ByteBuffer {
    /// The first byte (moves when the buffer grows).
    package private(set) var base: UnsafeMutableRawPointer
    /// Bytes allocated.
    package private(set) var capacity: Int
    /// Bytes written.
    package var count = 0

    /// An empty buffer of at least `capacity` bytes.
    package init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        guard let p = malloc(self.capacity) else { fatalError("out of memory allocating \(capacity) bytes") }
        base = p
    }

    deinit { free(base) }

    /// Makes room for at least `extra` more bytes (doubling), keeping the content.
    package func reserve(_ extra: Int) {
        let needed = count + extra
        guard needed > capacity else { return }
        var c = capacity
        while c < needed { c *= 2 }
        guard let p = realloc(base, c) else { fatalError("out of memory growing a buffer to \(c) bytes") }
        base = p
        capacity = c
    }

    /// The writable space after `count`.
    package var spare: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count)
    }

    /// The written bytes.
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
