/// A Merkle–Damgård hash with 64-byte blocks (SHA-1, SHA-256), fed incrementally.
package protocol HashFunction {
    /// The digest length in bytes.
    static var digestCount: Int { get }
    /// A fresh state.
    init()
    /// Feeds `bytes`.
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// The digest of everything fed; the state is spent.
    mutating func finalize() -> [UInt8]
}

extension HashFunction {
    /// The block length in bytes (both hashes here use 64).
    package static var blockCount: Int { 64 }

    /// Feeds the bytes of an array.
    package mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds the UTF-8 bytes of a string.
    package mutating func update(_ text: String) {
        var t = text
        t.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// The digest of `bytes`.
    package static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var h = Self()
        h.update(bytes)
        return h.finalize()
    }

    /// The digest of the UTF-8 bytes of `text`.
    package static func hash(_ text: String) -> [UInt8] {
        var h = Self()
        h.update(text)
        return h.finalize()
    }
}

/// The block buffering and length padding the two hashes share.
struct BlockBuffer {
    private var pending: [UInt8] = []
    private(set) var length: UInt64 = 0

    init() { pending.reserveCapacity(64) }

    /// Feeds `bytes`, calling `compress` on each complete 64-byte block.
    mutating func update(_ bytes: UnsafeRawBufferPointer, _ compress: (UnsafeRawBufferPointer) -> Void) {
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            if pending.count < 64 { return }
            pending.withUnsafeBytes { compress($0) }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= 64 {
            compress(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 64)]))
            offset += 64
        }
        pending.append(contentsOf: bytes[offset...])
    }

    /// Pads (0x80, zeros, the big-endian bit length) and compresses the last block(s).
    mutating func finish(_ compress: (UnsafeRawBufferPointer) -> Void) {
        let bits = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        tail.withUnsafeBytes { all in
            var o = 0
            while o < all.count {
                compress(UnsafeRawBufferPointer(rebasing: all[o..<(o + 64)]))
                o += 64
            }
        }
        pending.removeAll()
    }
}

@inline(__always) func rotateLeft(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
@inline(__always) func rotateRight(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

@inline(__always) func loadBigEndian(_ p: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
    UInt32(p[i]) << 24 | UInt32(p[i + 1]) << 16 | UInt32(p[i + 2]) << 8 | UInt32(p[i + 3])
}

func bigEndianBytes(_ words: [UInt32]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(words.count * 4)
    for w in words {
        out.append(UInt8(truncatingIfNeeded: w >> 24))
        out.append(UInt8(truncatingIfNeeded: w >> 16))
        out.append(UInt8(truncatingIfNeeded: w >> 8))
        out.append(UInt8(truncatingIfNeeded: w))
    }
    return out
}
