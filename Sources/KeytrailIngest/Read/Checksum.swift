/// A 128-bit content checksum (xxHash64-style lanes over 32-byte stripes, two final mixes),
/// computed in one piece or incrementally with the same result.
///
/// It identifies copies of archive files, not adversaries: a copy is skipped only when its size
/// matches too.
struct Checksum {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var v1 = p1 &+ p2
    private var v2 = p2
    private var v3: UInt64 = 0
    private var v4: UInt64 = 0 &- p1
    /// Bytes of an incomplete stripe carried to the next update.
    private var pending: [UInt8] = []
    private var total = 0

    /// The 16-byte checksum of `data`.
    static func of(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        var c = Checksum()
        c.update(data)
        return c.finish()
    }

    /// Adds the next bytes.
    mutating func update(_ data: UnsafeRawBufferPointer) {
        total += data.count
        var i = 0
        if !pending.isEmpty {
            let take = min(32 - pending.count, data.count)
            pending.append(contentsOf: data[0..<take])
            i = take
            if pending.count < 32 { return }
            pending.withUnsafeBytes { stripe($0.baseAddress!) }
            pending.removeAll(keepingCapacity: true)
        }
        if let base = data.baseAddress {
            while i + 32 <= data.count {
                stripe(base + i)
                i += 32
            }
        }
        pending.append(contentsOf: data[i...])
    }

    @inline(__always) private mutating func stripe(_ p: UnsafeRawPointer) {
        v1 = Self.round(v1, p.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        v2 = Self.round(v2, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        v3 = Self.round(v3, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        v4 = Self.round(v4, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    /// The checksum of everything added.
    func finish() -> [UInt8] {
        var tail1 = UInt64(truncatingIfNeeded: total) &* Self.p5
        var tail2 = UInt64(truncatingIfNeeded: total) &* Self.p4
        for b in pending {
            tail1 = Self.rotl(tail1 ^ (UInt64(b) &* Self.p5), 11) &* Self.p1
            tail2 = Self.rotl(tail2 ^ (UInt64(b) &* Self.p3), 13) &* Self.p2
        }
        let h1 = Self.avalanche(Self.rotl(v1, 1) &+ Self.rotl(v2, 7) &+ Self.rotl(v3, 12) &+ Self.rotl(v4, 18) &+ tail1)
        let h2 = Self.avalanche((v1 &* Self.p3) ^ Self.rotl(v2, 17) ^ (v3 &* Self.p4) ^ Self.rotl(v4, 29) ^ tail2)
        var out = [UInt8](repeating: 0, count: 16)
        for k in 0..<8 {
            out[k] = UInt8(truncatingIfNeeded: h1 >> UInt64(8 * k))
            out[8 + k] = UInt8(truncatingIfNeeded: h2 >> UInt64(8 * k))
        }
        return out
    }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always) static func avalanche(_ h0: UInt64) -> UInt64 {
        var h = h0
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        h ^= h >> 32
        return h
    }
}
