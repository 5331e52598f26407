/// A 128-bit content checksum (xxHash64-style lanes over 32-byte stripes, two final mixes).
///
/// It identifies copies of archive files, not adversaries: a copy is skipped only when its size
/// matches too.
enum Checksum {
    static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

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

    /// The 16-byte checksum of `data`.
    static func of(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        let n = data.count
        var v1 = p1 &+ p2
        var v2 = p2
        var v3: UInt64 = 0
        var v4: UInt64 = 0 &- p1
        var i = 0
        if let base = data.baseAddress {
            while i + 32 <= n {
                v1 = round(v1, base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                v2 = round(v2, base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                v3 = round(v3, base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
                v4 = round(v4, base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
                i += 32
            }
        }
        var tail1 = UInt64(truncatingIfNeeded: n) &* p5
        var tail2 = UInt64(truncatingIfNeeded: n) &* p4
        while i < n {
            let b = UInt64(data[i])
            tail1 = rotl(tail1 ^ (b &* p5), 11) &* p1
            tail2 = rotl(tail2 ^ (b &* p3), 13) &* p2
            i += 1
        }
        let h1 = avalanche(rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18) &+ tail1)
        let h2 = avalanche((v1 &* p3) ^ rotl(v2, 17) ^ (v3 &* p4) ^ rotl(v4, 29) ^ tail2)
        var out = [UInt8](repeating: 0, count: 16)
        for k in 0..<8 {
            out[k] = UInt8(truncatingIfNeeded: h1 >> UInt64(8 * k))
            out[8 + k] = UInt8(truncatingIfNeeded: h2 >> UInt64(8 * k))
        }
        return out
    }
}
