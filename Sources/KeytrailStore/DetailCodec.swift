import CDeflate
import CZstd

/// How an event's Detail is stored: as TEXT when compressing would not save space (and in
/// indexes migrated from v1), else as a BLOB: a zstd frame (its header names the dictionary it
/// was compressed with, `DetailDictionary`, and the text's size), or, in indexes written before
/// schema v3, the text's length (4 bytes, little endian) and a raw DEFLATE stream. Events of one
/// archive share most of their text (member names, services, regions, accounts): with a
/// dictionary trained on the archive's own events, a 2 KB event compresses about 5× (DEFLATE:
/// about 2×), and zstd decompresses it faster than DEFLATE inflates it.
package final class DetailCodec {
    private let cctx: OpaquePointer
    private let dctx: OpaquePointer
    private let inflater: OpaquePointer
    /// The dictionary `encode` compresses with (nil: none, a plain zstd frame).
    package var dictionary: DetailDictionary?
    /// Finds a dictionary's bytes by its id, for `decode` (nil: frames that need one fail).
    private let load: ((UInt32) -> [UInt8]?)?
    private var loaded: [UInt32: DetailDictionary] = [:]

    /// zstd's level without a dictionary (level 1: several hundred MB/s, about DEFLATE's ratio).
    static let plainLevel: Int32 = 1
    /// No Detail is larger (FileProcessor keeps at most 64 MiB): a frame claiming more is corrupt.
    static let maxText = 1 << 27

    /// A codec (not thread-safe: one per thread); `load` finds dictionaries by id for `decode`.
    package init(dictionaries load: ((UInt32) -> [UInt8]?)? = nil) {
        guard let c = ZSTD_createCCtx(), let d = ZSTD_createDCtx(), let i = libdeflate_alloc_decompressor() else {
            fatalError("out of memory allocating a Detail codec")
        }
        cctx = c
        dctx = d
        inflater = i
        self.load = load
    }

    deinit {
        ZSTD_freeCCtx(cctx)
        ZSTD_freeDCtx(dctx)
        libdeflate_free_decompressor(inflater)
    }

    /// Room `encode` may need for `count` bytes of text.
    package func bound(_ count: Int) -> Int { ZSTD_compressBound(count) }

    /// Writes the stored form of `raw` to `out` (at least `bound(raw.count)` bytes): nil when it
    /// is best stored as TEXT (nothing written that matters), else the BLOB's size.
    package func encode(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int? {
        guard raw.count >= 64, raw.count <= Self.maxText, out.count >= bound(raw.count) else { return nil }
        let written =
            if let dictionary {
                ZSTD_compress_usingCDict(cctx, out.baseAddress, out.count, raw.baseAddress, raw.count, dictionary.cdict)
            } else {
                ZSTD_compressCCtx(cctx, out.baseAddress, out.count, raw.baseAddress, raw.count, Self.plainLevel)
            }
        // Not worth it (or it failed): store the text.
        guard ZSTD_isError(written) == 0, written < raw.count * 15 / 16 else { return nil }
        return written
    }

    /// The text of a stored BLOB; nil when it is not a valid one (or names a dictionary the
    /// index does not hold).
    package func decode(_ blob: UnsafeRawBufferPointer) -> [UInt8]? {
        guard blob.count >= 4 else { return nil }
        if blob.loadUnaligned(as: UInt32.self) == UInt32(ZSTD_MAGICNUMBER).littleEndian { return unpack(blob) }
        // Before v3: the length, then raw DEFLATE (which expands at most 1032:1: a larger length
        // is a corrupt blob, not an allocation).
        let n = Int(UInt32(littleEndian: blob.loadUnaligned(as: UInt32.self)))
        guard n <= (blob.count - 4) * 1032 + 64 else { return nil }
        return fill(n) { o in
            var got = 0
            let rc = libdeflate_deflate_decompress(inflater, blob.baseAddress! + 4, blob.count - 4, o, n, &got)
            return rc == LIBDEFLATE_SUCCESS && got == n
        }
    }

    private func unpack(_ frame: UnsafeRawBufferPointer) -> [UInt8]? {
        let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        // Unknown or error sizes are the largest values: refused with the absurd ones.
        guard size <= UInt64(Self.maxText) else { return nil }
        let n = Int(size)
        let id = ZSTD_getDictID_fromFrame(frame.baseAddress, frame.count)
        var ddict: OpaquePointer?
        if id != 0 {
            guard let d = dictionary(id) else { return nil }
            ddict = d.ddict
        }
        return fill(n) { o in
            let got =
                if let ddict {
                    ZSTD_decompress_usingDDict(dctx, o, n, frame.baseAddress, frame.count, ddict)
                } else {
                    ZSTD_decompressDCtx(dctx, o, n, frame.baseAddress, frame.count)
                }
            return ZSTD_isError(got) == 0 && got == n
        }
    }

    /// `n` bytes written by `body`; nil when it says it failed.
    private func fill(_ n: Int, _ body: (UnsafeMutableRawPointer?) -> Bool) -> [UInt8]? {
        var ok = false
        let out = [UInt8](unsafeUninitializedCapacity: n) { o, initialized in
            ok = body(o.baseAddress)
            // Bytes are zeroed when decoding failed, so the array is always initialised.
            if !ok, let base = o.baseAddress { base.initialize(repeating: 0, count: n) }
            initialized = n
        }
        return ok ? out : nil
    }

    /// The dictionary `id`, loaded once.
    private func dictionary(_ id: UInt32) -> DetailDictionary? {
        if let d = loaded[id] { return d }
        if let d = dictionary, d.id == id { return d }
        guard let bytes = load?(id), let d = DetailDictionary(bytes), d.id == id else { return nil }
        loaded[id] = d
        return d
    }
}

/// A zstd dictionary trained on an index's own Details, stored in it (`dictionaries`) and named
/// by its id in every frame compressed with it. Shared by the threads that compress with it
/// (zstd's prepared dictionaries are read-only).
package final class DetailDictionary: @unchecked Sendable {
    /// The dictionary's id (zstd's, in its header: a hash of its content).
    package let id: UInt32
    /// The dictionary as stored.
    package let bytes: [UInt8]
    let cdict: OpaquePointer
    let ddict: OpaquePointer

    /// zstd's level with a dictionary, and the dictionary's size: on the benchmark's 2 KB events,
    /// levels 1 and 3 and dictionaries of 64 and 128 KiB stored Details within 7 % of each other
    /// (161–172 MB for 580 MB of JSON); level 1 costs the least CPU.
    static let level: Int32 = 1
    static let capacity = 64 << 10

    /// The dictionary of `bytes`; nil when they are not one.
    package init?(_ bytes: [UInt8]) {
        let id = bytes.withUnsafeBytes { ZDICT_getDictID($0.baseAddress, $0.count) }
        guard id != 0 else { return nil }
        guard
            let c = bytes.withUnsafeBytes({ ZSTD_createCDict($0.baseAddress, $0.count, Self.level) }),
            let d = bytes.withUnsafeBytes({ ZSTD_createDDict($0.baseAddress, $0.count) })
        else { return nil }
        self.id = id
        self.bytes = bytes
        cdict = c
        ddict = d
    }

    deinit {
        ZSTD_freeCDict(cdict)
        ZSTD_freeDDict(ddict)
    }

    /// At least this many samples make a dictionary worth training.
    package static let minSamples = 256

    /// A dictionary trained on `samples` (concatenated) of `sizes`; nil when there are too few or
    /// training fails (the caller then compresses without one).
    package static func train(_ samples: UnsafeRawBufferPointer, sizes: [Int]) -> DetailDictionary? {
        guard sizes.count >= minSamples else { return nil }
        var out = [UInt8](repeating: 0, count: capacity)
        var params = ZDICT_fastCover_params_t()
        params.k = 200
        params.d = 8
        params.f = 20
        params.accel = 1
        params.zParams.compressionLevel = level
        let n = out.withUnsafeMutableBytes { o in
            sizes.withUnsafeBufferPointer { s in
                ZDICT_trainFromBuffer_fastCover(
                    o.baseAddress, o.count, samples.baseAddress, s.baseAddress, UInt32(s.count), params)
            }
        }
        guard ZDICT_isError(n) == 0 else { return nil }
        return DetailDictionary(Array(out.prefix(n)))
    }
}
