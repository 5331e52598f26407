import CMalloc

extension POSIX {
    /// Makes malloc map every block of `bytes` or more on its own, so that freeing it gives its
    /// pages back. (glibc otherwise raises its threshold to the largest mapped block freed, up to
    /// 32 MiB, and serves later blocks below that from its heap, which keeps their pages: a
    /// process that frees large buffers and allocates others keeps the peak of both.)
    package static func mapAllocations(above bytes: Int) {
        _ = mallopt(M_MMAP_THRESHOLD, Int32(clamping: bytes))
    }
}
