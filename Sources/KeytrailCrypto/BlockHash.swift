/// A Merkle–Damgård hash over 64-byte blocks whose padding ends in the message's length in bits
/// (big endian) and whose digest is its state words, big endian: SHA-1 and SHA-256. The
/// buffering, padding and digest live here once; each hash supplies its state and compression.
package protocol BlockHash: Sendable {
    /// A fresh hash.
    init()
    /// Adds bytes.
    mutating func update<B: Sequence<UInt8>>(_ bytes: B)
    /// The digest (the hash is spent).
    mutating func finalize() -> [UInt8]
}

/// The block-filling state a `BlockHash` keeps beside its own words.
struct BlockState: Sendable {
    var block = [UInt8](repeating: 0, count: 64)
    var filled = 0
    var blocks: UInt64 = 0
}

/// What a `BlockHash` implementation provides to the shared buffering.
protocol BlockCompressing: BlockHash {
    var state: BlockState { get set }
    /// The chaining words (the digest once the last block is compressed).
    var words: [UInt32] { get }
    /// Folds `state.block` into the words.
    mutating func compress()
}

extension BlockHash {
    /// The block size in bytes (HMAC pads keys to it).
    package static var blockSize: Int { 64 }

    /// The digest of `bytes`.
    package static func hash<B: Sequence<UInt8>>(_ bytes: B) -> [UInt8] {
        var s = Self()
        s.update(bytes)
        return s.finalize()
    }
}

extension BlockCompressing {
    /// Adds bytes, compressing each block as it fills.
    package mutating func update<B: Sequence<UInt8>>(_ bytes: B) {
        for b in bytes {
            state.block[state.filled] = b
            state.filled += 1
            if state.filled == 64 {
                compress()
                state.blocks &+= 1
                state.filled = 0
            }
        }
    }

    /// Pads with the length in bits and returns the state words, big endian.
    package mutating func finalize() -> [UInt8] {
        let bits = (state.blocks &* 64 &+ UInt64(state.filled)) &* 8
        let rem = (state.filled + 1) % 64
        var pad: [UInt8] = [0x80] + [UInt8](repeating: 0, count: rem <= 56 ? 56 - rem : 120 - rem)
        for i in (0..<8).reversed() { pad.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        update(pad)
        var out: [UInt8] = []
        out.reserveCapacity(words.count * 4)
        for w in words {
            out += [
                UInt8(w >> 24), UInt8(truncatingIfNeeded: w >> 16), UInt8(truncatingIfNeeded: w >> 8),
                UInt8(truncatingIfNeeded: w),
            ]
        }
        return out
    }

    /// Big-endian word `i` of the current block.
    func word(_ i: Int) -> UInt32 {
        UInt32(state.block[4 * i]) << 24 | UInt32(state.block[4 * i + 1]) << 16
            | UInt32(state.block[4 * i + 2]) << 8 | UInt32(state.block[4 * i + 3])
    }
}
