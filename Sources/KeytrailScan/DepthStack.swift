/// A stack of object/array flags, inline for the first 128 levels and on the heap beyond.
struct DepthStack {
    var inline: (UInt64, UInt64) = (0, 0)
    var spill: [UInt64] = []

    @inline(__always) mutating func set(_ d: Int, _ isObject: Bool) {
        if d < 64 {
            inline.0 = isObject ? inline.0 | (1 << UInt64(d)) : inline.0 & ~(1 << UInt64(d))
        } else if d < 128 {
            let b = UInt64(d - 64)
            inline.1 = isObject ? inline.1 | (1 << b) : inline.1 & ~(1 << b)
        } else {
            let w = (d - 128) >> 6
            while spill.count <= w { spill.append(0) }
            let b = UInt64((d - 128) & 63)
            spill[w] = isObject ? spill[w] | (1 << b) : spill[w] & ~(1 << b)
        }
    }

    @inline(__always) func get(_ d: Int) -> Bool {
        if d < 64 { return inline.0 & (1 << UInt64(d)) != 0 }
        if d < 128 { return inline.1 & (1 << UInt64(d - 64)) != 0 }
        return spill[(d - 128) >> 6] & (1 << UInt64((d - 128) & 63)) != 0
    }
}
