import CZlib
import KeytrailExtract

/// Incremental gzip inflate (zlib), multi-member aware: input in chunks of any size, output
/// appended to a buffer. Offsets in failures count compressed bytes from the start of the stream.
final class GzipStream {
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    /// Compressed bytes consumed so far.
    private(set) var consumed = 0
    /// Whether the last member ended and no byte of another one arrived yet.
    private var betweenMembers = false

    init() throws(Gzip.Failure) {
        stream.initialize(to: z_stream())
        guard keytrail_inflate_init_gzip(stream) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw Gzip.Failure(offset: 0, message: "cannot initialise zlib")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates `data` (the next compressed bytes), appending to `out`.
    func inflate(_ data: UnsafeRawBufferPointer, into out: ByteBuffer) throws(Gzip.Failure) {
        guard let input = data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count > 0 else { return }
        var used = 0
        while used < data.count {
            if betweenMembers {
                // Only another member may follow a member.
                let rest = data.count - used
                if data[used] != 0x1F || (rest >= 2 && data[used + 1] != 0x8B) {
                    throw Gzip.Failure(offset: consumed, message: "unexpected bytes after the end of a gzip member")
                }
                guard inflateReset(stream) == Z_OK else {
                    throw Gzip.Failure(offset: consumed, message: "cannot reset zlib")
                }
                betweenMembers = false
            }
            // At most 1 GiB per call: avail_in and avail_out are 32-bit.
            let chunk = min(data.count - used, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input + used)
            stream.pointee.avail_in = UInt32(chunk)
            if out.capacity - out.count < 1 << 16 { out.reserve(max(out.capacity, 1 << 16)) }
            let spare = out.spare
            let room = min(spare.count, 1 << 30)
            stream.pointee.next_out = spare.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = UInt32(room)
            let rc = CZlib.inflate(stream, Z_NO_FLUSH)
            out.count += room - Int(stream.pointee.avail_out)
            let n = chunk - Int(stream.pointee.avail_in)
            used += n
            consumed += n
            switch rc {
            case Z_STREAM_END:
                betweenMembers = true
            case Z_OK, Z_BUF_ERROR:
                continue
            default:
                let msg = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw Gzip.Failure(offset: consumed, message: "corrupt gzip stream: \(msg)")
            }
        }
    }

    /// Checks that the stream ended at the end of a member (not truncated).
    func finish() throws(Gzip.Failure) {
        guard betweenMembers else {
            throw Gzip.Failure(offset: consumed, message: "truncated gzip stream (unexpected end of file)")
        }
    }
}
