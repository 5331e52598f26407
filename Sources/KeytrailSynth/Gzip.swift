import CZlib

/// gzip compression for generated archives.
package enum GzipWriter {
    /// One gzip member holding `data`.
    package static func compress(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        precondition(keytrail_deflate_init_gzip(stream, level) == Z_OK, "deflateInit2 failed")
        var out = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(data.count))) + 64)
        let produced = data.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                stream.pointee.next_in = UnsafeMutablePointer(
                    mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
                stream.pointee.avail_in = UInt32(input.count)
                stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_out = UInt32(output.count)
                let rc = deflate(stream, Z_FINISH)
                precondition(rc == Z_STREAM_END, "deflate failed: \(rc)")
                return output.count - Int(stream.pointee.avail_out)
            }
        }
        out.removeLast(out.count - produced)
        return out
    }
}
