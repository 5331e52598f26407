import CDeflate

/// How an event's Detail is stored: as TEXT when compressing would not save space (and in
/// indexes migrated from v1), else as a BLOB of its length (4 bytes, little endian) and a raw
/// DEFLATE stream. Event JSON compresses 2–4×; libdeflate inflates it at about a GB/s, so answers
/// pay microseconds for an index a half to a quarter the size.
package final class DetailCodec {
    private let compressor: OpaquePointer
    private let decompressor: OpaquePointer

    /// A codec (not thread-safe: one per thread).
    package init() {
        // Level 1: ~2.2× on the benchmark's events at several hundred MB/s; higher levels save
        // a few percent more for several times the CPU.
        guard let c = libdeflate_alloc_compressor(1), let d = libdeflate_alloc_decompressor() else {
            fatalError("out of memory allocating a DEFLATE codec")
        }
        compressor = c
        decompressor = d
    }

    deinit {
        libdeflate_free_compressor(compressor)
        libdeflate_free_decompressor(decompressor)
    }

    /// Room `encode` may need for `count` bytes of text.
    package func bound(_ count: Int) -> Int { 4 + libdeflate_deflate_compress_bound(compressor, count) }

    /// Writes the stored form of `raw` to `out` (at least `bound(raw.count)` bytes): nil when it
    /// is best stored as TEXT (nothing written that matters), else the BLOB's size.
    package func encode(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard raw.count >= 64, raw.count < Int(UInt32.max), out.count >= bound(raw.count) else { return nil }
        out.storeBytes(of: UInt32(raw.count).littleEndian, as: UInt32.self)
        let written = libdeflate_deflate_compress(
            compressor, raw.baseAddress, raw.count, out.baseAddress! + 4, out.count - 4)
        // Not worth it (or it failed): store the text.
        guard written > 0, written + 4 < raw.count * 15 / 16 else { return nil }
        return 4 + written
    }

    /// The text of a stored BLOB; nil when it is not a valid one.
    package func decode(_ blob: UnsafeRawBufferPointer) -> [UInt8]? {
        guard blob.count >= 4 else { return nil }
        let n = Int(UInt32(littleEndian: blob.loadUnaligned(as: UInt32.self)))
        // DEFLATE expands at most 1032:1: a larger length is a corrupt blob, not an allocation.
        guard n <= (blob.count - 4) * 1032 + 64 else { return nil }
        var ok = false
        let out = [UInt8](unsafeUninitializedCapacity: n) { o, initialized in
            var got = 0
            let rc = libdeflate_deflate_decompress(
                decompressor, blob.baseAddress! + 4, blob.count - 4, o.baseAddress, n, &got)
            ok = rc == LIBDEFLATE_SUCCESS && got == n
            // Bytes are zeroed when inflating failed, so the array is always initialised.
            if !ok, let base = o.baseAddress { base.initialize(repeating: 0, count: n) }
            initialized = n
        }
        return ok ? out : nil
    }
}
