import Glibc

/// A growable, malloc-backed byte buffer that hands out stable raw pointers between growths.
final class ByteBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        guard let p = malloc(self.capacity) else { fatalError("out of memory allocating \(capacity) bytes") }
        base = p
    }

    deinit { free(base) }

    /// Makes room for at least `extra` more bytes (doubling), keeping the content.
    func reserve(_ extra: Int) {
        let needed = count + extra
        guard needed > capacity else { return }
        var c = capacity
        while c < needed { c *= 2 }
        guard let p = realloc(base, c) else { fatalError("out of memory growing a buffer to \(c) bytes") }
        base = p
        capacity = c
    }

    /// The writable space after `count`.
    var spare: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: base + count, count: capacity - count)
    }

    /// The written bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
