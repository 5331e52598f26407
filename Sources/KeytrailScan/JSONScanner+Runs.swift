/// Skipping the two kinds of run that make up most of a JSON text's bytes — string bodies and
/// whitespace — sixteen bytes at a time.
///
/// Written for what this toolchain's optimiser vectorises (checked in the x86-64 assembly, SSE2
/// baseline): comparisons of a vector with a *vector* (`v .== Self.splat(…)`) become one `pcmpeqb` /
/// `pcmpgtb`, while comparing with a *scalar* (`v .== 0x22`) and `any(_:)` lower to a loop over the
/// lanes, slower than the byte loop. The mask is read as two 64-bit words (all-ones lanes), whose
/// lowest set bit names the first matching byte. Every load stays inside the buffer: fewer than
/// sixteen bytes before its end are left to the caller's byte loop (eight at a time when they can).
extension JSONScanner {
    /// Sixteen copies of `b`, as a constant the optimiser folds.
    @inline(__always) static func splat(_ b: Int8) -> SIMD16<Int8> { SIMD16(repeating: b) }

    /// The index (0...15) of the first lane of `mask` that is set (with `inverted`: clear), or nil
    /// when there is none.
    @inline(__always) static func firstLane(_ mask: SIMDMask<SIMD16<Int8>>, inverted: Bool = false) -> Int? {
        // A mask's lanes are 0 or -1 (all ones): its bytes, read as two little-endian words.
        // (Inverting the words, not the mask: `.!` is one of the lane-by-lane operations.)
        let words = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        let lo = inverted ? ~words[0] : words[0]
        let hi = inverted ? ~words[1] : words[1]
        if lo | hi == 0 { return nil }
        return lo != 0 ? lo.trailingZeroBitCount &>> 3 : 8 &+ hi.trailingZeroBitCount &>> 3
    }

    /// The offset of the first byte at or after `start` inside a string body that the byte loop
    /// must look at — a quote, a backslash, a control character (< 0x20) or a non-ASCII byte — or,
    /// when none is found, an offset less than eight bytes before the end of the buffer (possibly
    /// `count`), from where the caller reads byte by byte.
    @inline(__always) func skipPlainStringBytes(_ start: Int) -> Int {
        var i = start
        while i &+ 16 <= count {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<Int8>.self)
            // Signed: non-ASCII bytes (0x80...0xFF) are negative, so `< 0x20` takes them too.
            let special = (v .< Self.splat(0x20)) .| (v .== Self.splat(0x22)) .| (v .== Self.splat(0x5C))
            if let lane = Self.firstLane(special) { return i &+ lane }
            i &+= 16
        }
        if i &+ 8 <= count {
            // The tail's one eight-byte word (SWAR): the lowest flagged byte is exact, since a
            // borrow only ever runs upward from a byte that is itself flagged.
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let q = w ^ (ones &* 0x22)
            let b = w ^ (ones &* 0x5C)
            let special = (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- ones &* 0x20) & ~w) | w) & highs
            if special != 0 { return i &+ special.trailingZeroBitCount &>> 3 }
            i &+= 8
        }
        return i
    }

    /// Whether `c` is JSON whitespace (space, tab, CR, LF).
    @inline(__always) static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }

    /// After the first whitespace byte of a run (at `start - 1`): the offset of the first byte
    /// that is not whitespace, or `count`. A lone space (`": "`, `", "`) costs one byte test; the
    /// indentation of pretty-printed text goes sixteen bytes at a time.
    func skipWhitespaceRun(_ start: Int) -> Int {
        var i = start
        if i < count && !Self.isWhitespace(base[i]) { return i }
        while i &+ 16 <= count {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<Int8>.self)
            let blank =
                (v .== Self.splat(0x20)) .| (v .== Self.splat(0x0A)) .| (v .== Self.splat(0x0D))
                .| (v .== Self.splat(0x09))
            if let lane = Self.firstLane(blank, inverted: true) { return i &+ lane }
            i &+= 16
        }
        while i < count && Self.isWhitespace(base[i]) { i &+= 1 }
        return i
    }
}
