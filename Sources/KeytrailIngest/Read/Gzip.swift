import CDeflate
import KeytrailExtract

/// Whole-buffer gzip decompression, multi-member aware: libdeflate for speed, zlib to say exactly
/// where a broken stream broke.
enum Gzip {
    /// Why a gzip stream could not be inflated, and the compressed offset where it broke.
    struct Failure: Error {
        var offset: Int
        var message: String
    }

    /// Whether `data` starts with the gzip magic bytes.
    static func isGzip(_ data: UnsafeRawBufferPointer) -> Bool {
        data.count >= 2 && data[0] == 0x1F && data[1] == 0x8B
    }

    /// Inflates every member of `data` into `out`. Truncation, corruption (CRC, length) and
    /// trailing bytes that are not another gzip member are failures.
    static func inflate(_ data: UnsafeRawBufferPointer, into out: ByteBuffer) throws(Failure) {
        if inflateFast(data, into: out) { return }
        // libdeflate only says "bad data": zlib, streaming, finds the offset and the reason (and
        // its output stands should it accept what libdeflate refused).
        try inflateStreaming(data, into: out)
    }

    /// libdeflate, member by member; false when any member is not valid gzip.
    static func inflateFast(_ data: UnsafeRawBufferPointer, into out: ByteBuffer) -> Bool {
        guard let d = libdeflate_alloc_decompressor() else { return false }
        defer { libdeflate_free_decompressor(d) }
        out.count = 0
        // The last member's trailer holds its size mod 2^32: a good first guess for one member.
        var guess = data.count * 4
        if data.count >= 18 {
            let isize = data.loadUnaligned(fromByteOffset: data.count - 4, as: UInt32.self).littleEndian
            guess = max(guess, Int(isize) + 64)
        }
        out.reserve(guess)
        var consumed = 0
        while consumed < data.count {
            let rest = data.count - consumed
            guard rest >= 2, data[consumed] == 0x1F, data[consumed + 1] == 0x8B else { return false }
            while true {
                var inUsed = 0
                var outUsed = 0
                let spare = out.spare
                let rc = libdeflate_gzip_decompress_ex(
                    d, data.baseAddress! + consumed, rest, spare.baseAddress, spare.count, &inUsed, &outUsed)
                if rc == LIBDEFLATE_SUCCESS {
                    out.count += outUsed
                    consumed += inUsed
                    break
                }
                guard rc == LIBDEFLATE_INSUFFICIENT_SPACE else { return false }
                out.reserve(out.capacity)
            }
        }
        return true
    }

    /// zlib streaming inflate of a whole buffer (also the source of precise error positions).
    static func inflateStreaming(_ data: UnsafeRawBufferPointer, into out: ByteBuffer) throws(Failure) {
        let stream = try GzipStream()
        out.count = 0
        out.reserve(max(data.count * 4, 1 << 16))
        try stream.inflate(data, into: out)
        try stream.finish()
    }
}
