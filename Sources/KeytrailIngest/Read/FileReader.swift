import Glibc
import KeytrailExtract
import KeytrailPOSIX
import KeytrailStore

/// Reads one input for a worker and feeds it to the worker's processor: opens it, takes its
/// status, checksums it (content ingested before is a copy, skipped without parsing), inflates
/// gzip (whole, or in windows for large files and pipes), and rejects a file that changed while
/// it was read. The processor's table then holds the file's entries, for the reduce.
struct FileReader: Sendable {
    /// When files are streamed, and in what chunks.
    var streaming: Streaming
    /// The content checksums ingested or claimed so far.
    var known: KnownContent
    /// Called with the file's path between the read and the check for changes (a test seam).
    var afterRead: (@Sendable (String) -> Void)?
    /// Where the bytes and events are counted as they are read, for a progress line (nil: none is drawn).
    var live: LiveProgress?

    /// Why a file could not be read whole: it becomes the file's one rejection.
    enum Failure: Error {
        case io(String)
        case gzip(Gzip.Failure)
    }

    static let changed = "the file changed while it was being read; rerun to ingest it"

    /// Reads `item` into `processor` (which it begins and finishes). `keepVerbatim`: a regular
    /// file read whole and not compressed stays open (`FileOutcome.kept`), and its processor
    /// records where its Details are in it, so they can be read again rather than copied aside.
    func read(_ item: InputItem, into processor: FileProcessor, keepVerbatim: Bool = false) -> FileOutcome {
        var o = FileOutcome(item: item)
        func reject(_ kind: Rejection.Kind, _ message: String, offset: Int? = nil) -> FileOutcome {
            o.result = FileResult(
                rejecting: Rejection(path: item.display, kind: kind, offset: offset, message: message))
            return o
        }
        let fd: Int32
        do throws(SystemError) {
            fd = item.isStdin ? 0 : try POSIX.openForReading(item.path)
        } catch {
            return reject(.io, "cannot open: \(error)")
        }
        defer { if fd != 0 && o.kept != fd { close(fd) } }
        let before = FileStatus(fd: fd)
        let regular = before?.isRegular ?? false
        let size = before?.size ?? 0
        let streamed = !regular || Int(size) > streaming.above
        // A streamed file counts its windows as they go; the rest of the file (all of it when read
        // whole, or what a failure left unread) is counted when it is done, so that the bytes done
        // reach the total.
        var counted = 0
        defer {
            if let live {
                live.add(raw: max(Int(size) - counted, 0), content: 0, events: 0)
                live.fileDone()
            }
        }
        var keep = false
        do throws(Failure) {
            // The checksum comes first: a copy of ingested content is skipped without parsing.
            var key: [UInt8]
            if streamed {
                // Standard input and pipes cannot be read twice: they are never skipped as copies.
                key = regular ? try Self.checksum(fd: fd, buffer: processor.raw, chunk: streaming.chunk) : []
            } else {
                try Self.readWhole(fd: fd, into: processor.raw, size: Int(size))
                o.rawBytes = processor.raw.count
                key = Checksum.of(processor.raw.bytes)
            }
            if regular, let before {
                withUnsafeBytes(of: before.size.littleEndian) { key.append(contentsOf: $0) }
                o.entry = ManifestEntry(size: before.size, mtimeNanos: before.mtimeNanos, checksum: key)
                if !item.isStdin && !known.claim(key) {
                    o.isCopy = true
                    return o
                }
            }
            processor.begin(path: item.display)
            if streamed {
                if regular { lseek(fd, 0, SEEK_SET) }
                (o.rawBytes, o.contentBytes) = try Self.stream(
                    fd: fd, processor: processor, chunk: streaming.chunk, live: live, counted: &counted)
            } else {
                var content = processor.raw.bytes
                // Read again from the file only when its content is its bytes.
                keep = keepVerbatim && regular && !item.isStdin
                if Gzip.isGzip(content) {
                    do throws(Gzip.Failure) { try Gzip.inflate(content, into: processor.inflated) } catch {
                        throw .gzip(error)
                    }
                    content = processor.inflated.bytes
                    keep = false
                }
                // The content is whole and stays until the next file: the table need not copy it.
                processor.verbatim = content
                o.contentBytes = content.count
                _ = processor.feed(content, final: true)
                live?.add(raw: 0, content: content.count, events: processor.eventsRead)
            }
            afterRead?(item.display)
            if regular, let before {
                let after = FileStatus(fd: fd)
                if after?.size != before.size || after?.mtimeNanos != before.mtimeNanos { throw .io(Self.changed) }
                if keep { o.kept = fd }
            }
        } catch {
            switch error {
            case .io(let message): return reject(.io, message)
            case .gzip(let f): return reject(.gzip, f.message, offset: f.offset)
            }
        }
        o.result = processor.finish()
        o.framed = true
        return o
    }

    /// Reads a regular file of `size` bytes whole.
    static func readWhole(fd: Int32, into buffer: ByteBuffer, size: Int) throws(Failure) {
        do throws(SystemError) { try InputFile.readAll(fd: fd, into: buffer, sizeHint: size) } catch {
            throw .io("read failed: \(error)")
        }
        if buffer.count != size { throw .io(changed) }
    }

    /// The checksum of a large file, read in chunks.
    static func checksum(fd: Int32, buffer: ByteBuffer, chunk: Int) throws(Failure) -> [UInt8] {
        var c = Checksum()
        while true {
            let n = try readChunk(fd: fd, into: buffer, chunk: chunk)
            if n == 0 { return c.finish() }
            c.update(buffer.bytes)
        }
    }

    /// Reads up to `chunk` bytes into `buffer` (replacing its content); 0 at the end.
    static func readChunk(fd: Int32, into buffer: ByteBuffer, chunk: Int) throws(Failure) -> Int {
        do throws(SystemError) { return try InputFile.readChunk(fd: fd, into: buffer, chunk: chunk) } catch {
            throw .io("read failed: \(error)")
        }
    }

    /// Streams a file through the processor in windows: raw chunks, inflated when gzip, framed
    /// as they arrive, each window added to `live` (and its raw bytes to `counted`). Returns (raw
    /// bytes, content bytes).
    static func stream(
        fd: Int32, processor: FileProcessor, chunk size: Int, live: LiveProgress? = nil, counted: inout Int
    ) throws(Failure) -> (Int, Int) {
        let chunk = processor.raw
        let window = processor.inflated
        window.count = 0
        var gzip: GzipStream?
        var raw = 0
        var content = 0
        var first = true
        while true {
            let n = try readChunk(fd: fd, into: chunk, chunk: size)
            let end = n == 0
            if first && !end {
                first = false
                if Gzip.isGzip(chunk.bytes) || (n == 1 && chunk.bytes[0] == 0x1F) {
                    do throws(Gzip.Failure) { gzip = try GzipStream() } catch { throw .gzip(error) }
                }
            }
            raw += n
            let before = window.count
            do throws(Gzip.Failure) {
                if let gzip {
                    try gzip.inflate(chunk.bytes, into: window)
                    if end { try gzip.finish() }
                } else if n > 0 {
                    window.reserve(n)
                    (window.base + window.count).copyMemory(from: chunk.base, byteCount: n)
                    window.count += n
                }
            } catch {
                throw .gzip(error)
            }
            content += window.count - before
            let eventsBefore = processor.eventsRead
            let used = processor.feed(window.bytes, final: end)
            // Once per window (megabytes), never per event: three relaxed atomic adds.
            if let live {
                live.add(raw: n, content: window.count - before, events: processor.eventsRead - eventsBefore)
                counted += n
            }
            if used > 0 {
                let rest = window.count - used
                if rest > 0 { memmove(window.base, window.base + used, rest) }
                window.count = rest
            }
            if end { return (raw, content) }
        }
    }
}
